import type { EventPayload, EventType } from '@tavern/protocol'
import { CloseCode } from '@tavern/protocol'
import type { Logger } from 'pino'
import type { Bus, HotStore } from '../hot/types.ts'
import type { DisconnectReason, Session, SessionEndReason, SessionHooks, Sessions } from '../module.ts'
import { PreparedEvent } from './frames.ts'
import type { LiveSession } from './session.ts'

const ONLINE_TTL_MS = 60_000
const REMOTE_END_TIMEOUT_MS = 3000

const closeCodeFor: Record<SessionEndReason, number> = {
  disconnected: 1000,
  replaced: CloseCode.REPLACED,
  kicked: CloseCode.KICKED,
  banned: CloseCode.FORBIDDEN,
  shutdown: CloseCode.SERVER_SHUTDOWN,
  logout: 1000,
  role_changed: CloseCode.REAUTHENTICATE,
}

type ProcessMessage =
  | { kind: 'send'; userId: string; type: EventType; payload: unknown }
  | { kind: 'end'; userId: string; reason: SessionEndReason; replyTo: string; token: string }
  | { kind: 'ended'; token: string }

export interface DirectoryDeps {
  hot: HotStore
  bus: Bus
  processId: string
  log: Logger
  graceMs: number
  /** Module hooks in dependency order (ends run in reverse). */
  hooks: () => readonly SessionHooks[]
}

/**
 * Every session of this process, and the way to reach a user on any process: `online:<userId>` in the hot store
 * names the process and session holding them; each process listens on its own bus channel.
 */
export class SessionDirectory implements Sessions {
  private readonly byId = new Map<string, LiveSession>()
  private readonly byUser = new Map<string, LiveSession>()
  private readonly pendingEnds = new Map<string, () => void>()
  private unsubscribe: (() => Promise<void>) | undefined
  private refresher: NodeJS.Timeout | undefined

  constructor(private readonly deps: DirectoryDeps) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.deps.bus.subscribe(this.channel(this.deps.processId), (m) =>
      this.onProcessMessage(m as ProcessMessage),
    )
    this.refresher = setInterval(() => void this.refreshOnline(), ONLINE_TTL_MS / 3)
    this.refresher.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.refresher)
    await this.unsubscribe?.()
  }

  get localCount(): number {
    return this.byId.size
  }

  get(sessionId: string): LiveSession | undefined {
    return this.byId.get(sessionId)
  }

  localSessions(): Iterable<LiveSession> {
    return this.byId.values()
  }

  local(): Iterable<Session> {
    return this.byId.values()
  }

  ofUser(userId: string): Session | undefined {
    return this.byUser.get(userId)
  }

  broadcast<T extends EventType>(targets: Iterable<Session>, type: T, payload: EventPayload<T>): void {
    deliverAll(targets, new PreparedEvent(type, payload), (s, e) => s.deliver(e))
  }

  broadcastMsgpack<T extends EventType>(
    targets: Iterable<Session>,
    type: T,
    length: number,
    write: (frame: Buffer, at: number) => void,
    opts?: { volatile?: boolean },
  ): void {
    const volatile = opts?.volatile === true
    const event = PreparedEvent.fromMsgpackPayload(type, length, write, !volatile, true)
    deliverAll(targets, event, volatile ? (s, e) => s.sendVolatile(e) : (s, e) => s.deliver(e))
  }

  async sendToUser<T extends EventType>(userId: string, type: T, payload: EventPayload<T>): Promise<void> {
    const local = this.byUser.get(userId)
    if (local) return local.send(type, payload)
    const where = await this.whereIs(userId)
    if (where && where.processId !== this.deps.processId) {
      await this.publish(where.processId, { kind: 'send', userId, type, payload })
    }
  }

  async isOnline(userId: string): Promise<boolean> {
    return this.byUser.has(userId) || (await this.whereIs(userId)) !== null
  }

  async disconnectUser(userId: string, reason: DisconnectReason): Promise<void> {
    await this.endUserSessions(userId, reason)
  }

  /** Registers a fresh session and runs the start hooks. */
  async started(session: LiveSession): Promise<void> {
    this.byId.set(session.id, session)
    this.byUser.set(session.user.userId, session)
    await this.deps.hot.set(this.onlineKey(session.user.userId), `${this.deps.processId}|${session.id}`, {
      ttlMs: ONLINE_TTL_MS,
    })
    await this.runHooks('onSessionStart', session)
  }

  /** The socket dropped: keep the session for the grace window. */
  async suspended(session: LiveSession): Promise<void> {
    session.phase = 'suspended'
    session.graceTimer = setTimeout(() => void this.end(session, 'disconnected'), this.deps.graceMs)
    session.graceTimer.unref()
    await this.runHooks('onSessionSuspend', session)
  }

  async resumed(session: LiveSession): Promise<void> {
    await this.runHooks('onSessionResume', session)
  }

  /** Ends a session once: closes its socket, clears only its own online mark, then runs end hooks. */
  async end(session: LiveSession, reason: SessionEndReason): Promise<void> {
    if (session.phase === 'ended') return
    session.phase = 'ended'
    clearTimeout(session.graceTimer)
    session.socket?.close(closeCodeFor[reason], reason)
    session.socket = null
    this.byId.delete(session.id)
    if (this.byUser.get(session.user.userId) === session) this.byUser.delete(session.user.userId)
    await this.deps.hot.compareAndDelete(
      this.onlineKey(session.user.userId),
      `${this.deps.processId}|${session.id}`,
    )
    await this.runHooks('onSessionEnd', session, reason)
  }

  /** Ends every session of a user, here or on another process, and waits for their cleanup. */
  async endUserSessions(userId: string, reason: SessionEndReason): Promise<void> {
    const local = this.byUser.get(userId)
    if (local) await this.end(local, reason)
    const where = await this.whereIs(userId)
    if (!where || where.processId === this.deps.processId) return
    const token = `${this.deps.processId}:${Math.random().toString(36).slice(2)}`
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, REMOTE_END_TIMEOUT_MS)
      this.pendingEnds.set(token, () => {
        clearTimeout(timer)
        resolve()
      })
    })
    await this.publish(where.processId, { kind: 'end', userId, reason, replyTo: this.deps.processId, token })
    await done
    this.pendingEnds.delete(token)
  }

  async endAll(reason: SessionEndReason): Promise<void> {
    await Promise.all([...this.byId.values()].map((s) => this.end(s, reason)))
  }

  private async onProcessMessage(m: ProcessMessage): Promise<void> {
    try {
      if (m.kind === 'send') this.byUser.get(m.userId)?.send(m.type, m.payload as never)
      else if (m.kind === 'ended') this.pendingEnds.get(m.token)?.()
      else if (m.kind === 'end') {
        const s = this.byUser.get(m.userId)
        if (s) await this.end(s, m.reason)
        await this.publish(m.replyTo, { kind: 'ended', token: m.token })
      }
    } catch (err) {
      this.deps.log.error({ err, kind: m.kind }, 'process message failed')
    }
  }

  private async runHooks(
    hook: 'onSessionStart' | 'onSessionSuspend' | 'onSessionResume' | 'onSessionEnd',
    session: LiveSession,
    reason?: SessionEndReason,
  ): Promise<void> {
    const hooks = this.deps.hooks()
    const ordered = hook === 'onSessionEnd' ? [...hooks].reverse() : hooks
    for (const h of ordered) {
      try {
        await (h[hook] as ((s: Session, r?: SessionEndReason) => unknown) | undefined)?.call(
          h,
          session,
          reason,
        )
      } catch (err) {
        this.deps.log.error({ err, hook, sessionId: session.id }, 'session hook failed')
      }
    }
  }

  private async refreshOnline(): Promise<void> {
    if (this.byUser.size === 0) return
    const ops = [...this.byUser.values()].map((s) => ({
      op: 'set' as const,
      key: this.onlineKey(s.user.userId),
      value: `${this.deps.processId}|${s.id}`,
      ttlMs: ONLINE_TTL_MS,
    }))
    await this.deps.hot.multi(ops).catch((err) => this.deps.log.warn({ err }, 'online refresh failed'))
  }

  private async whereIs(userId: string): Promise<{ processId: string; sessionId: string } | null> {
    const v = await this.deps.hot.get(this.onlineKey(userId))
    if (!v) return null
    const i = v.lastIndexOf('|')
    return { processId: v.slice(0, i), sessionId: v.slice(i + 1) }
  }

  private publish(processId: string, m: ProcessMessage): Promise<void> {
    return this.deps.bus.publish(this.channel(processId), m)
  }

  private channel(processId: string): string {
    return `proc:${processId}`
  }

  private onlineKey(userId: string): string {
    return `online:${userId}`
  }
}

/** One event to many sessions, encoded once; its deliveries are counted once. */
function deliverAll(
  targets: Iterable<Session>,
  event: PreparedEvent,
  deliver: (s: LiveSession, e: PreparedEvent) => boolean,
): void {
  let n = 0
  let any: LiveSession | undefined
  for (const s of targets) {
    any = s as LiveSession
    if (deliver(any, event)) n++
  }
  // Replay buffers keep the event: from here on they hold its bytes, not the payload's objects.
  event.release()
  if (any && n > 0) any.onEvent(event.type, n)
}
