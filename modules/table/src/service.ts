import type { MemberRef, TableEntry, TableRole, TableRoomView } from '@tavern/protocol'
import { type ModuleContext, Rejection, reject, type Session } from '@tavern/server'
import type { TableConfig } from './config.ts'
import { joinedRooms, type Room } from './room.ts'
import { Rooms } from './rooms.ts'
import { checkRole, type Need } from './rules/session.ts'
import type { Viewer } from './rules/visibility.ts'
import { LogStore } from './store/log.ts'
import { defineRoomState } from './store/room-state.ts'
import { sessionStore } from './store/sessions.ts'

const RETRY = Symbol('retry')

/**
 * The tabletop module's runtime: the rooms of this process, the session log, and the checks every action goes
 * through (member of the session, role, in the room, session not completed) before it reaches the room.
 */
export class TableService {
  readonly log: LogStore
  readonly rooms: Rooms

  constructor(readonly ctx: ModuleContext<TableConfig>) {
    this.log = new LogStore(ctx.state, ctx.sql)
    this.rooms = new Rooms(ctx, this.log, defineRoomState(ctx.state))
  }

  /** The member's role: from the live room when loaded here (fresh), else from the database. */
  async roleOf(sessionId: string, userId: string): Promise<TableRole | undefined> {
    const room = this.rooms.get(sessionId)
    if (room) return room.members.get(userId)?.role
    return sessionStore.role(this.ctx.sql, sessionId, userId)
  }

  /** Rejects a non-member: `table.session_not_found` if there is no such session, else `table.not_member`. */
  async denyOutsider(sessionId: string): Promise<Rejection> {
    const exists = await sessionStore.session(this.ctx.sql, sessionId)
    return reject(exists ? 'table.not_member' : 'table.session_not_found')
  }

  /** Enters the room (loading it if needed) and returns it as this member may see it. */
  async join(session: Session, sessionId: string): Promise<TableRoomView | Rejection> {
    const userId = session.user.userId
    if (!this.rooms.get(sessionId) && !(await sessionStore.role(this.ctx.sql, sessionId, userId))) {
      return this.denyOutsider(sessionId)
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const room = await this.rooms.acquire(sessionId)
      if (room instanceof Rejection) return room
      const out = await room.run(async () => {
        if (room.closed) return RETRY
        // An invite redeemed a moment ago (maybe through another process) may not have reached the room yet.
        if (!room.members.has(userId)) room.setMembers(await sessionStore.members(this.ctx.sql, sessionId))
        if (!room.members.has(userId)) return reject('table.not_member')
        return room.enter(session)
      })
      if (out !== RETRY) return out
    }
    return reject('table.room_busy', { retryAfterMs: 1000 })
  }

  /**
   * Runs an action in the room for a member who joined it: checks the role against what the action needs, that
   * this connection is in the room, and (unless `readOnly`) that the session is not completed.
   */
  async act<R>(
    session: Session,
    sessionId: string,
    need: Need,
    fn: (room: Room, member: MemberRef) => R | Promise<R>,
    opts: { readOnly?: boolean } = {},
  ): Promise<R | Rejection> {
    const userId = session.user.userId
    const room = this.rooms.get(sessionId)
    if (!room) {
      const role = await sessionStore.role(this.ctx.sql, sessionId, userId)
      if (!role) return this.denyOutsider(sessionId)
      return checkRole(role, need) ?? reject('table.not_joined')
    }
    return room.run(async () => {
      const member = room.members.get(userId)
      const denied = checkRole(member?.role, need)
      if (denied) return denied
      if (room.closed || room.present.get(userId) !== session) return reject('table.not_joined')
      if (!opts.readOnly && room.session.status === 'completed') return reject('table.session_closed')
      return fn(room, member!)
    })
  }

  /** A page of the log as the member may see it, newest first. */
  async history(
    userId: string,
    sessionId: string,
    before: number | undefined,
    limit: number,
  ): Promise<{ entries: TableEntry[]; nextBefore: number | null } | Rejection> {
    const role = await this.roleOf(sessionId, userId)
    if (!role) return this.denyOutsider(sessionId)
    const viewer: Viewer = { userId, gm: role === 'gm' }
    const entries = await this.log.page(sessionId, viewer, before, limit, this.knownSeq(sessionId))
    const last = entries.at(-1)
    return { entries, nextBefore: entries.length === limit && last ? last.seq : null }
  }

  /** The last seq of a session's log, when its room is loaded here (saves scanning unflushed rows). */
  knownSeq(sessionId: string): number | undefined {
    return this.rooms.get(sessionId)?.state.seq
  }

  /** A session was suspended, resumed or ended: tell each room it was in. */
  async presence(session: Session, change: 'away' | 'online' | 'disconnected' | 'replaced'): Promise<void> {
    for (const id of [...joinedRooms(session)]) {
      const room = this.rooms.get(id)
      if (!room) continue
      await room.run(() => {
        if (change === 'away' || change === 'online') room.presence(session, change)
        else room.exit(session, change)
      })
    }
  }
}
