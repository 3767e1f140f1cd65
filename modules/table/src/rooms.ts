import type { TableSessionView } from '@tavern/protocol'
import { type ModuleContext, type Rejection, reject, type StateHandle } from '@tavern/server'
import type { TableConfig } from './config.ts'
import { FairDice } from './fair-dice.ts'
import { RECENT_KEPT, Room, type RoomDeps } from './room.ts'
import { shortId } from './room-actions.ts'
import { applySession, runCombat } from './room-gm.ts'
import type { LogStore } from './store/log.ts'
import { emptyRoomState, type RoomState } from './store/room-state.ts'
import { sessionStore } from './store/sessions.ts'

/** A change made outside the room (REST), for the process that owns it. */
export type RoomNotice =
  | { sessionId: string; what: 'members' }
  | {
      sessionId: string
      what: 'session'
      revealed: { epoch: number; serverSeed: string; commitment: string } | null
    }

const NOTICES = 'table:rooms'

/**
 * The rooms this process owns. A room is loaded on demand (taking a lease in the hot store, so one process owns
 * it), renewed while loaded, and dropped from memory once nobody has been in it for `roomIdleMs`.
 */
export class Rooms {
  private readonly loaded = new Map<string, Room>()
  private readonly loading = new Map<string, Promise<Room | Rejection>>()
  /** Rooms being flushed and released; a join waits for that instead of finding the lease still taken. */
  private readonly unloading = new Map<string, Promise<void>>()
  private readonly leases = new Map<string, string>()
  private unsubscribe: (() => Promise<void>) | undefined
  private lastRenewal = 0
  private readonly roomDeps: RoomDeps

  constructor(
    private readonly ctx: ModuleContext<TableConfig>,
    log: LogStore,
    private readonly state: StateHandle<RoomState>,
  ) {
    this.roomDeps = {
      clock: ctx.clock,
      sessions: ctx.sessions,
      sql: ctx.sql,
      log,
      state,
      recentEntries: ctx.config.recentEntries,
    }
  }

  get size(): number {
    return this.loaded.size
  }

  /** The room if this process has it loaded. */
  get(sessionId: string): Room | undefined {
    const room = this.loaded.get(sessionId)
    return room && !room.closed ? room : undefined
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.ctx.bus.subscribe(NOTICES, (m) => {
      this.apply(m as RoomNotice).catch((err) => this.ctx.log.error({ err }, 'room notice failed'))
    })
  }

  /** Releases every room (the state layer's final flush writes what is dirty). */
  async stop(): Promise<void> {
    await this.unsubscribe?.()
    await Promise.all(
      [...this.loaded.values()].map((room) =>
        room.run(async () => {
          room.closed = true
          this.loaded.delete(room.id)
          await this.release(room.id)
        }),
      ),
    )
  }

  /** The loaded room, or loads it (`table.session_not_found`, or `table.room_busy` if another process owns it). */
  acquire(sessionId: string): Promise<Room | Rejection> {
    const room = this.get(sessionId)
    if (room) return Promise.resolve(room)
    let loading = this.loading.get(sessionId)
    if (!loading) {
      const unloaded = this.unloading.get(sessionId) ?? Promise.resolve()
      loading = unloaded.then(() => this.load(sessionId)).finally(() => this.loading.delete(sessionId))
      this.loading.set(sessionId, loading)
    }
    return loading
  }

  /** Applies a change to the room wherever it is loaded: here directly, elsewhere over the bus. */
  async notify(notice: RoomNotice): Promise<void> {
    if (this.get(notice.sessionId)) await this.apply(notice)
    else await this.ctx.bus.publish(NOTICES, notice)
  }

  /** Turn timers, lease renewal and idle unloading; run by the module's loop. */
  async tick(now: number): Promise<void> {
    const { roomIdleMs, roomLeaseMs } = this.ctx.config
    const work: Array<Promise<unknown>> = []
    for (const room of this.loaded.values()) {
      const c = room.state.combat
      if (c.active && c.turnEndsAt !== null && now >= c.turnEndsAt) {
        work.push(room.run(() => (room.closed ? null : runCombat(room, { type: 'tick' }))))
      }
      if (room.present.size === 0 && room.idleSince !== null && now - room.idleSince >= roomIdleMs) {
        work.push(this.unload(room))
      }
    }
    if (now - this.lastRenewal >= roomLeaseMs / 3) {
      this.lastRenewal = now
      for (const id of this.loaded.keys()) work.push(this.renew(id))
    }
    for (const r of await Promise.allSettled(work)) {
      if (r.status === 'rejected') this.ctx.log.error({ err: r.reason }, 'room loop step failed')
    }
  }

  /** Flushes an empty room and drops it from memory; the next join loads it from the stores. */
  unload(room: Room): Promise<void> {
    return room.run(async () => {
      if (room.closed || room.present.size > 0) return
      room.closed = true
      const done = (async () => {
        try {
          await this.state.evict(room.id)
        } finally {
          await this.release(room.id)
          this.unloading.delete(room.id)
        }
      })()
      this.unloading.set(
        room.id,
        done.catch(() => undefined),
      )
      this.loaded.delete(room.id)
      await done
    })
  }

  /** Whether a room is loaded here or still being unloaded (tests). */
  busy(sessionId: string): boolean {
    return this.loaded.has(sessionId) || this.unloading.has(sessionId)
  }

  private async load(sessionId: string): Promise<Room | Rejection> {
    const { hot, sql, config, clock } = this.ctx
    const token = `${shortId()}${shortId()}`
    const owned = await hot.set(leaseKey(sessionId), token, { ttlMs: config.roomLeaseMs, ifAbsent: true })
    if (!owned) return reject('table.room_busy', { retryAfterMs: 1000 })
    this.leases.set(sessionId, token)
    try {
      const session = await sessionStore.session(sql, sessionId)
      if (!session) {
        await this.release(sessionId)
        return reject('table.session_not_found')
      }
      const { log } = this.roomDeps
      const [members, seeds, saved] = await Promise.all([
        sessionStore.members(sql, sessionId),
        sessionStore.seeds(sql, sessionId),
        this.state.get(sessionId),
      ])
      const recent = await log.rows(sessionId, 'all', undefined, RECENT_KEPT, saved?.seq ?? 0)
      const seed = seeds.at(-1)
      if (!seed) throw new Error(`session ${sessionId} has no seed`)
      const state = saved ?? emptyRoomState(clock.now())
      // A seed committed after the state was last saved (a rotation) starts its nonces at 0.
      const nonce = state.epoch === seed.epoch ? state.nonce : 0
      state.seq = Math.max(state.seq, recent[0]?.seq ?? 0)
      const dice = new FairDice({
        epoch: seed.epoch,
        serverSeed: seed.serverSeed,
        commitment: seed.commitment,
        nonce,
      })
      const room = new Room(this.roomDeps, session, members, state, dice, recent.reverse())
      this.loaded.set(sessionId, room)
      return room
    } catch (err) {
      await this.release(sessionId)
      throw err
    }
  }

  private async apply(notice: RoomNotice): Promise<void> {
    const room = this.get(notice.sessionId)
    if (!room) return
    const { sql } = this.ctx
    await room.run(async () => {
      if (room.closed) return
      if (notice.what === 'members') room.setMembers(await sessionStore.members(sql, room.id))
      else {
        const next = (await sessionStore.session(sql, room.id)) as TableSessionView
        await applySession(room, next, notice.revealed)
      }
    })
  }

  private async renew(sessionId: string): Promise<void> {
    const token = this.leases.get(sessionId)
    if (!token) return
    if (await this.ctx.hot.compareAndExpire(leaseKey(sessionId), token, this.ctx.config.roomLeaseMs)) return
    // Another process may own it now: stop serving it from here, without writing over its state.
    this.ctx.log.warn({ sessionId }, 'lost the lease of a room; dropping it')
    const room = this.loaded.get(sessionId)
    if (room) room.closed = true
    this.loaded.delete(sessionId)
    this.leases.delete(sessionId)
  }

  private async release(sessionId: string): Promise<void> {
    const token = this.leases.get(sessionId)
    this.leases.delete(sessionId)
    if (token) await this.ctx.hot.compareAndDelete(leaseKey(sessionId), token)
  }
}

function leaseKey(sessionId: string): string {
  return `table:room:${sessionId}`
}
