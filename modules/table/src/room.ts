import type {
  EventPayload,
  EventType,
  MemberRef,
  TableEntry,
  TableMember,
  TableRoomView,
  TableSessionView,
} from '@tavern/protocol'
import type { Clock, Session, Sessions, Sql, StateHandle } from '@tavern/server'
import type { FairDice } from './fair-dice.ts'
import { RecentRows } from './recent.ts'
import { type Actor, tokenVisible } from './rules/scene.ts'
import {
  type Audience,
  canRead,
  projectCombat,
  projectEntry,
  projectScene,
  type Viewer,
} from './rules/visibility.ts'
import type { LogRow, LogStore } from './store/log.ts'
import type { RoomState } from './store/room-state.ts'

/** Log entries kept in memory per room: sent on join, and the ones reactions may target. */
export const RECENT_KEPT = 200

export interface RoomDeps {
  clock: Clock
  sessions: Sessions
  sql: Sql
  log: LogStore
  state: StateHandle<RoomState>
  recentEntries: number
}

/** The body of a new entry: everything but what the room assigns. */
export type NewEntry = TableEntry extends infer E
  ? E extends TableEntry
    ? Omit<E, 'seq' | 'at' | 'from'>
    : never
  : never

/**
 * The live authority of one tabletop session, owned by one process. Every change runs through `run`, one at a
 * time; what each member receives is projected for them (roll modes, whispers, hidden combatants, fog).
 */
export class Room {
  readonly members = new Map<string, MemberRef>()
  /** Sessions in the room by user id; suspended ones stay, so the core buffers their events for a resume. */
  readonly present = new Map<string, Session>()
  readonly away = new Set<string>()
  readonly recent = new RecentRows(RECENT_KEPT)
  readonly dice: FairDice
  /** Set once unloaded: queued work must go to a freshly loaded room. */
  closed = false
  idleSince: number | null
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly deps: RoomDeps,
    public session: TableSessionView,
    members: readonly MemberRef[],
    public state: RoomState,
    dice: FairDice,
    recent: readonly LogRow[],
  ) {
    for (const m of members) this.members.set(m.userId, m)
    this.dice = dice
    for (const row of recent) this.recent.push(row.seq, JSON.stringify(row))
    this.idleSince = deps.clock.now()
  }

  get id(): string {
    return this.session.id
  }

  /** Runs `fn` after every change queued before it: one writer, one change at a time. */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.queue.then(fn)
    this.queue = next.catch(() => undefined)
    return next
  }

  viewerOf(userId: string): Viewer {
    return { userId, gm: this.members.get(userId)?.role === 'gm' }
  }

  /** The member list with who is here now. */
  memberList(): TableMember[] {
    return [...this.members.values()].map((m) => ({
      ...m,
      online: this.present.has(m.userId) && !this.away.has(m.userId),
    }))
  }

  /** The room as one member may see it. */
  view(member: MemberRef): TableRoomView {
    const viewer = this.viewerOf(member.userId)
    const recent: TableEntry[] = []
    for (const row of this.recent.newestFirst()) {
      if (recent.length >= this.deps.recentEntries) break
      const seen = projectEntry(row.entry, row.audience, viewer)
      if (seen) recent.push(seen)
    }
    return {
      session: { ...this.session },
      you: member,
      members: this.memberList(),
      fairness: this.fairness(),
      combat: projectCombat(this.state.combat, viewer),
      scene: projectScene(this.state.scene, viewer),
      recent: recent.reverse(),
    }
  }

  fairness() {
    const { epoch, commitment } = this.dice.seed
    return { epoch, commitment, defaultClientSeed: this.defaultClientSeed() }
  }

  /** Rolls without a client seed use the session id: public, fixed before the server seed was committed. */
  defaultClientSeed(): string {
    return `table:${this.id}`
  }

  /** Persists the counters, tracker and scene (write-behind; resolves once the hot store has them). */
  save(): Promise<void> {
    this.state.epoch = this.dice.seed.epoch
    this.state.nonce = this.dice.seed.nonce
    this.state.updatedAt = this.deps.clock.now()
    return this.deps.state.put(this.id, this.state)
  }

  /** Appends to the log, persists, then delivers the entry to whoever may see it. */
  async append(from: MemberRef | null, audience: Audience, body: NewEntry): Promise<TableEntry> {
    const seq = ++this.state.seq
    const at = this.deps.clock.now()
    const entry = { ...body, seq, at, from } as TableEntry
    const row: LogRow = { sessionId: this.id, seq, at, audience, entry }
    const json = JSON.stringify(row)
    this.recent.push(seq, json)
    await Promise.all([this.deps.log.appendJson(json), this.save()])
    this.deliverEntry(entry, audience)
    return entry
  }

  /** A recent entry the viewer can see, by seq. */
  recentEntry(seq: number, viewer: Viewer): LogRow | undefined {
    const row = this.recent.find(seq)
    return row && projectEntry(row.entry, row.audience, viewer) ? row : undefined
  }

  private deliverEntry(entry: TableEntry, audience: Audience): void {
    const readers: Session[] = []
    const stubs: Session[] = []
    for (const [userId, s] of this.present) {
      const viewer = this.viewerOf(userId)
      if (canRead(audience, viewer)) readers.push(s)
      else if (!audience.all && audience.stub?.includes(userId)) stubs.push(s)
    }
    this.broadcast(readers, 'table.entry', { sessionId: this.id, entry })
    if (stubs.length > 0) {
      const stub = projectEntry(entry, audience, this.viewerOf(stubs[0]!.user.userId))
      if (stub) this.broadcast(stubs, 'table.entry', { sessionId: this.id, entry: stub })
    }
  }

  /** Sends one event to many sessions, encoded once. */
  broadcast<T extends EventType>(targets: Session[], type: T, payload: EventPayload<T>): void {
    if (targets.length > 0) this.deps.sessions.broadcast(targets, type, payload)
  }

  /** Everyone in the room except `userId`. */
  others(userId: string): Session[] {
    return [...this.present].filter(([u]) => u !== userId).map(([, s]) => s)
  }

  /** The tracker to everyone: GMs see it whole, players without hidden combatants (one encoding each). */
  deliverCombat(): void {
    const gms: Session[] = []
    const players: Session[] = []
    for (const [userId, s] of this.present) (this.viewerOf(userId).gm ? gms : players).push(s)
    const sessionId = this.id
    this.broadcast(gms, 'table.combat_updated', {
      sessionId,
      combat: projectCombat(this.state.combat, { userId: '', gm: true }),
    })
    this.broadcast(players, 'table.combat_updated', {
      sessionId,
      combat: projectCombat(this.state.combat, { userId: '', gm: false }),
    })
  }

  /** The scene to everyone; members who own tokens others cannot see get their own projection. */
  deliverScene(): void {
    const scene = this.state.scene
    const anyone: Actor = { userId: '', gm: false }
    const shared: Session[] = []
    const gms: Session[] = []
    for (const [userId, s] of this.present) {
      const viewer = this.viewerOf(userId)
      if (viewer.gm) gms.push(s)
      else if (scene.tokens.some((t) => t.owner === userId && !tokenVisible(scene, t, anyone))) {
        this.broadcast([s], 'table.scene_updated', { sessionId: this.id, scene: projectScene(scene, viewer) })
      } else shared.push(s)
    }
    this.broadcast(gms, 'table.scene_updated', {
      sessionId: this.id,
      scene: projectScene(scene, { userId: '', gm: true }),
    })
    this.broadcast(shared, 'table.scene_updated', { sessionId: this.id, scene: projectScene(scene, anyone) })
  }

  /** Enters a session into the room (a newer connection of the same user takes the place of the older one). */
  enter(session: Session): TableRoomView {
    const userId = session.user.userId
    const member = this.members.get(userId)!
    const wasHere = this.present.has(userId) && !this.away.has(userId)
    this.present.set(userId, session)
    this.away.delete(userId)
    this.idleSince = null
    joinedRooms(session).add(this.id)
    if (!wasHere) {
      const m: TableMember = { ...member, online: true }
      this.broadcast(this.others(userId), 'table.joined', { sessionId: this.id, member: m })
    }
    return this.view(member)
  }

  /** Takes a session out of the room; an older session of the user that was already replaced does nothing. */
  exit(session: Session, reason: 'left' | 'disconnected' | 'replaced'): boolean {
    const userId = session.user.userId
    joinedRooms(session).delete(this.id)
    if (this.present.get(userId) !== session) return false
    this.present.delete(userId)
    this.away.delete(userId)
    if (this.present.size === 0) this.idleSince = this.deps.clock.now()
    this.broadcast([...this.present.values()], 'table.left', { sessionId: this.id, userId, reason })
    return true
  }

  /** The connection of a member dropped (`away`) or came back (`online`). */
  presence(session: Session, status: 'online' | 'away'): void {
    const userId = session.user.userId
    if (this.present.get(userId) !== session) return
    if (status === 'away') this.away.add(userId)
    else this.away.delete(userId)
    this.broadcast(this.others(userId), 'table.presence', { sessionId: this.id, userId, status })
  }

  /** Replaces the member list; members removed are told and taken out of the room. */
  setMembers(members: readonly MemberRef[]): void {
    this.members.clear()
    for (const m of members) this.members.set(m.userId, m)
    for (const [userId, s] of [...this.present]) {
      if (this.members.has(userId)) continue
      this.broadcast([...this.present.values()], 'table.left', {
        sessionId: this.id,
        userId,
        reason: 'removed',
      })
      this.present.delete(userId)
      this.away.delete(userId)
      joinedRooms(s).delete(this.id)
    }
    if (this.present.size === 0 && this.idleSince === null) this.idleSince = this.deps.clock.now()
    this.broadcast([...this.present.values()], 'table.members', {
      sessionId: this.id,
      members: this.memberList(),
    })
  }
}

/** The rooms a session is in (kept on the core session, so end hooks find them). */
export function joinedRooms(session: Session): Set<string> {
  let rooms = session.data.get('table') as Set<string> | undefined
  if (!rooms) {
    rooms = new Set()
    session.data.set('table', rooms)
  }
  return rooms
}
