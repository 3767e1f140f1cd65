import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import {
  asEnvelope,
  CloseCode,
  DEFAULT_MAX_BYTES,
  type Envelope,
  type ErrorBody,
  errorBody,
  type MessageDef,
  PROTOCOL_VERSION,
  REPLY_ERROR,
  REPLY_OK,
  type RequestDef,
  SUBPROTOCOL_JSON,
  SUBPROTOCOL_MSGPACK,
  TavernError,
  type UserRef,
} from '@tavern/protocol'
import type { Logger } from 'pino'
import { type WebSocket, WebSocketServer } from 'ws'
import type { Clock } from '../clock.ts'
import type { TavernConfig } from '../config.ts'
import { Rejection, type RequestHandler, type SessionEndReason } from '../module.ts'
import { Connection, inRequestOf, MAX_QUEUED_PER_CONNECTION } from './connection.ts'
import { codecFor } from './frames.ts'
import type { GatewayMetrics } from './metrics.ts'
import { TokenBucket } from './rate-limit.ts'
import type { SessionDirectory } from './registry.ts'
import { LiveSession } from './session.ts'

type GatewayConfig = TavernConfig['gateway']

export interface GatewayDeps {
  config: GatewayConfig
  log: Logger
  clock: Clock
  metrics: GatewayMetrics
  directory: SessionDirectory
  /** Verifies an access token (signature, expiry, bans) and returns the user. */
  authenticate(token: string): Promise<UserRef | Rejection>
  handlers: ReadonlyMap<string, RequestHandler<never>>
  /** Every message type: the protocol package's plus those modules declare. */
  definitions: Readonly<Record<string, MessageDef>>
}

/** Bytes buffered for one socket beyond which its reader is too slow. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

/**
 * The realtime gateway at `/ws`: negotiates the codec, authenticates within a deadline, validates, rate-limits
 * and dispatches requests to module handlers, and keeps sessions resumable across reconnects.
 */
export class Gateway {
  private readonly wss: WebSocketServer
  private readonly connections = new Set<Connection>()
  private heartbeat: NodeJS.Timeout | undefined
  private draining = false

  constructor(private readonly deps: GatewayDeps) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.config.maxFrameBytes,
      perMessageDeflate: false,
      handleProtocols: (offered) => {
        for (const p of offered) if (p === SUBPROTOCOL_MSGPACK || p === SUBPROTOCOL_JSON) return p
        return false
      },
    })
  }

  /** Handles upgrades on `/ws` of the given HTTP server. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0]
      if (path !== '/ws') return // another upgrade handler (or none) owns this path
      if (this.draining) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        return
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req))
    })
    // Ten sweeps per heartbeat (at most a second apart), so each one pings a tenth of the sockets, not all of them.
    this.heartbeat = setInterval(() => this.sweep(), Math.min(this.deps.config.heartbeatMs, 1000) / 10)
    this.heartbeat.unref()
  }

  get connectionCount(): number {
    return this.connections.size
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const { config, clock, metrics } = this.deps
    const ip = req.socket.remoteAddress ?? 'unknown'
    const conn = new Connection(ws, codecFor(ws.protocol || undefined), ip, clock.now(), config, (n) =>
      metrics.bytesOut('', n),
    )
    this.connections.add(conn)
    metrics.connections.set(this.connections.size)
    conn.authTimer = setTimeout(() => {
      if (!conn.session) this.closeWithError(conn, CloseCode.AUTH_TIMEOUT, 'authentication timeout')
    }, config.authTimeoutMs)
    conn.authTimer.unref()

    ws.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(conn, data, isBinary))
    ws.on('pong', (data: Buffer) => {
      conn.lastSeen = clock.now()
      // A pong echoes its ping's data: the session's last seq when the ping went out. Every event up to it has
      // arrived (one ordered stream), so the replay buffer lets them go. Unsolicited or stale pongs ack nothing new.
      const seq = data.length > 0 && data.length <= 16 ? Number(data.toString('latin1')) : 0
      const session = conn.session
      if (Number.isSafeInteger(seq) && seq > 0 && seq <= conn.pingedSeq && session?.socket === conn)
        session.ack(seq)
    })
    ws.on('error', (err) => {
      // ws reports oversized frames (closing with 1009) and protocol violations here.
      this.deps.log.debug({ err: err.message, ip }, 'websocket error')
    })
    ws.on('close', (code: number) => this.onClose(conn, code))
  }

  private onFrame(conn: Connection, data: Buffer, isBinary: boolean): void {
    const { clock, config, metrics } = this.deps
    const now = clock.now()
    conn.lastSeen = now
    metrics.bytesIn('', data.length)
    if (conn.closed) return

    // Flood protection: refuse beyond the burst, disconnect far beyond it.
    if (conn.flood.force(now) < 0) {
      if (conn.flood.deficit > config.floodBurst) {
        this.closeWithError(conn, CloseCode.RATE_LIMITED, 'message flood')
        return
      }
      this.reply(
        conn,
        undefined,
        errorBody('sys.rate_limited', { operation: 'connection', retryAfterMs: 1000 }),
      )
      return
    }

    let decoded: unknown
    try {
      decoded = conn.codec.decode(isBinary ? data : data.toString('utf8'))
    } catch {
      this.badFrame(conn, undefined, errorBody('sys.malformed_frame'))
      return
    }
    const env = asEnvelope(decoded)
    if (!env) {
      this.badFrame(conn, undefined, errorBody('sys.invalid_envelope'))
      return
    }
    metrics.messagesIn(this.deps.definitions[env.type] ? env.type : 'unknown')
    if (conn.inbox.length >= MAX_QUEUED_PER_CONNECTION) {
      this.reply(conn, env.id, errorBody('sys.rate_limited', { operation: 'queue', retryAfterMs: 100 }))
      return
    }
    conn.inbox.push({ env, bytes: data.length })
    if (!conn.draining) void this.drain(conn)
  }

  /** Handles queued requests one at a time; one async loop per burst rather than a promise chain per frame. */
  private async drain(conn: Connection): Promise<void> {
    conn.draining = true
    try {
      for (let next = conn.inbox.shift(); next; next = conn.inbox.shift()) {
        try {
          await this.dispatch(conn, next.env, next.bytes)
        } catch (err) {
          this.deps.log.error({ err, type: next.env.type }, 'handler failed')
          this.reply(conn, next.env.id, errorBody('sys.internal'))
        }
      }
    } finally {
      conn.draining = false
    }
  }

  private async dispatch(conn: Connection, env: Envelope, frameBytes: number): Promise<void> {
    if (conn.closed) return
    const def = this.deps.definitions[env.type] as RequestDef | { kind: 'event' } | undefined
    if (!def)
      return this.reply(conn, env.id, errorBody('sys.unknown_type', { message: `Unknown type ${env.type}` }))
    if (def.kind === 'event') return this.reply(conn, env.id, errorBody('sys.not_event'))
    if (frameBytes > (def.limits.maxBytes ?? DEFAULT_MAX_BYTES)) {
      return this.reply(
        conn,
        env.id,
        errorBody('sys.payload_too_large', { details: { maxBytes: def.limits.maxBytes } }),
      )
    }
    const parsed = def.request.safeParse(env.payload ?? {})
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
      return this.reply(conn, env.id, errorBody('sys.invalid_payload', { details }))
    }
    if (env.type === 'auth') return this.authenticate(conn, env, parsed.data as AuthRequest)
    const session = conn.session
    if (!session) return this.reply(conn, env.id, errorBody('sys.not_authenticated'))
    const retryAfterMs = this.rateLimit(session, env.type, def)
    if (retryAfterMs > 0) {
      return this.reply(
        conn,
        env.id,
        errorBody('sys.rate_limited', {
          operation: env.type,
          retryAfterMs,
          message: `${env.type} is limited to ${def.limits.rate?.burst} at once and one every ${def.limits.rate?.perMs} ms`,
        }),
      )
    }
    if (env.type === 'ping') {
      const p = parsed.data as { clientTime?: number }
      return this.reply(conn, env.id, undefined, {
        clientTime: p.clientTime,
        serverTime: this.deps.clock.now(),
      })
    }
    const handler = this.deps.handlers.get(env.type)
    if (!handler)
      return this.reply(
        conn,
        env.id,
        errorBody('sys.unknown_type', { message: `No module handles ${env.type}` }),
      )
    let result: unknown
    try {
      result = await inRequestOf(conn, () =>
        handler({ session, payload: parsed.data, type: env.type } as never),
      )
    } catch (err) {
      if (err instanceof TavernError) return this.reply(conn, env.id, err.toBody())
      throw err
    }
    if (result instanceof Rejection) return this.reply(conn, env.id, result.body)
    this.reply(conn, env.id, undefined, result ?? {})
  }

  private rateLimit(session: LiveSession, type: string, def: RequestDef): number {
    const rate = def.limits.rate
    if (!rate) return 0
    let bucket = session.buckets.get(type)
    if (!bucket) {
      bucket = new TokenBucket(rate.perMs, rate.burst, this.deps.clock.now())
      session.buckets.set(type, bucket)
    }
    return bucket.take(this.deps.clock.now())
  }

  private async authenticate(conn: Connection, env: Envelope, req: AuthRequest): Promise<void> {
    if (conn.session) return this.reply(conn, env.id, errorBody('sys.already_authenticated'))
    const { directory, config } = this.deps
    const user = await this.deps.authenticate(req.token)
    if (conn.closed) return
    if (user instanceof Rejection) {
      this.reply(conn, env.id, user.body)
      const banned = user.body.code === 'auth.banned' || user.body.code === 'auth.suspended'
      conn.close(banned ? CloseCode.FORBIDDEN : CloseCode.INVALID_TOKEN, user.body.code)
      return
    }
    clearTimeout(conn.authTimer)

    // Resume: same user, same process, events still buffered.
    if (req.resume) {
      const old = directory.get(req.resume.sessionId)
      const missed = old && old.user.userId === user.userId ? old.eventsAfter(req.resume.lastSeq) : null
      if (old && missed && old.phase !== 'ended') {
        if (old.socket && old.socket !== conn) {
          const previous = old.socket as Connection
          previous.session = null
          previous.close(CloseCode.REPLACED, 'resumed elsewhere')
        }
        clearTimeout(old.graceTimer)
        conn.session = old
        this.reply(conn, env.id, undefined, this.welcome(old, true, missed.length))
        old.attach(conn, missed)
        this.deps.metrics.resumes('ok')
        await directory.resumed(old)
        return
      }
      this.deps.metrics.resumes('resync')
    }

    if (directory.localCount >= config.maxConnections && user.role !== 'admin') {
      this.reply(conn, env.id, errorBody('sys.over_capacity', { retryAfterMs: 5000 }))
      conn.close(CloseCode.OVER_CAPACITY, 'over capacity')
      return
    }
    // A newer session replaces any older one of the same account, whose cleanup finishes first.
    await directory.endUserSessions(user.userId, 'replaced')
    if (conn.closed) return
    const session = new LiveSession(
      randomUUID(),
      user,
      conn,
      config.replayEvents,
      config.replayBytes,
      (t, n) => this.deps.metrics.messagesOut(t, n),
    )
    conn.session = session
    this.reply(conn, env.id, undefined, this.welcome(session, false, 0))
    if (req.resume) {
      const reason = directory.get(req.resume.sessionId) ? 'gap_too_large' : 'unknown_session'
      session.send('session.resync', { reason })
    }
    await directory.started(session)
  }

  private welcome(session: LiveSession, resumed: boolean, replayed: number) {
    return {
      sessionId: session.id,
      resumed,
      replayed,
      user: session.user,
      serverTime: this.deps.clock.now(),
      heartbeatMs: this.deps.config.heartbeatMs,
      protocolVersion: PROTOCOL_VERSION,
    }
  }

  /** A clean close (1000) from the client ends its session; anything else suspends it for a resume. */
  private onClose(conn: Connection, code: number): void {
    conn.closed = true
    clearTimeout(conn.authTimer)
    this.connections.delete(conn)
    this.deps.metrics.connections.set(this.connections.size)
    const session = conn.session
    if (!session || session.socket !== conn) return
    session.socket = null
    if (session.phase !== 'live') return
    if (code === 1000 && !conn.closedByServer) void this.deps.directory.end(session, 'disconnected')
    else void this.deps.directory.suspended(session)
  }

  /** Pings, idle timeouts and slow consumers. */
  private sweep(): void {
    const { clock, config } = this.deps
    const now = clock.now()
    for (const conn of this.connections) {
      if (conn.closed) continue
      if (now - conn.lastSeen > config.idleTimeoutMs) {
        this.closeWithError(conn, CloseCode.IDLE_TIMEOUT, 'idle timeout')
      } else if (conn.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        conn.close(CloseCode.SLOW_CONSUMER, 'slow consumer')
      } else if (
        now - conn.lastSeen >= config.heartbeatMs / 2 ||
        // A session holding events for a resume asks for an acknowledgement once per heartbeat.
        (conn.session && conn.session.buffered > 0 && now - conn.lastPingAt >= config.heartbeatMs)
      ) {
        const seq = conn.session?.socket === conn ? conn.session.lastSeq : 0
        conn.pingedSeq = seq
        conn.lastPingAt = now
        conn.ws.ping(String(seq))
      }
    }
  }

  private badFrame(conn: Connection, id: Envelope['id'], body: ErrorBody): void {
    this.deps.metrics.errors(body.code)
    if (++conn.badFrames > this.deps.config.maxBadFrames) {
      this.closeWithError(conn, CloseCode.PROTOCOL_ERROR, 'too many invalid frames')
      return
    }
    this.reply(conn, id, body)
  }

  private closeWithError(conn: Connection, code: number, reason: string): void {
    this.deps.metrics.closes(String(code))
    conn.close(code, reason)
  }

  private reply(conn: Connection, id: Envelope['id'], error?: ErrorBody, payload?: unknown): void {
    if (error) {
      this.deps.metrics.errors(error.code)
      conn.send(
        id === undefined ? { type: REPLY_ERROR, payload: error } : { type: REPLY_ERROR, id, payload: error },
      )
      return
    }
    conn.send(id === undefined ? { type: REPLY_OK, payload } : { type: REPLY_OK, id, payload })
  }

  /** Stops accepting, tells every client, closes sockets and ends sessions. */
  async shutdown(reconnectAfterMs: number): Promise<void> {
    this.draining = true
    clearInterval(this.heartbeat)
    for (const s of this.deps.directory.localSessions()) {
      s.send('server.shutdown', { reason: 'shutdown', reconnectAfterMs })
    }
    for (const conn of this.connections) conn.close(CloseCode.SERVER_SHUTDOWN, 'server shutdown')
    await this.deps.directory.endAll('shutdown' satisfies SessionEndReason)
    this.wss.close()
  }
}

interface AuthRequest {
  token: string
  resume?: { sessionId: string; lastSeq: number }
}
