import {
  asEnvelope,
  CloseCode,
  type Codec,
  type ErrorBody,
  type EventPayload,
  type EventType,
  jsonCodec,
  msgpackCodec,
  type RequestPayload,
  type RequestType,
  type ResponsePayload,
  SUBPROTOCOL_JSON,
  SUBPROTOCOL_MSGPACK,
  TavernError,
  terminalCloseCodes,
} from '@tavern/protocol'
import { type BackoffOptions, backoffDelay } from './backoff.ts'
import { type AuthTokens, RestClient } from './rest.ts'

/** The subset of the WebSocket API the client uses: the browser's, or the `ws` package's in Node. */
export interface WebSocketLike {
  readonly readyState: number
  readonly protocol: string
  binaryType: string
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
  send(data: Uint8Array | string): void
  close(code?: number, reason?: string): void
}
export type WebSocketFactory = new (url: string, protocols?: string | string[]) => WebSocketLike

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface TavernClientOptions {
  /** Base URL of the server, e.g. `http://localhost:4000`. The socket goes to `/ws` on the same host. */
  url: string
  /** WebSocket constructor; defaults to the global one (browsers). In Node 20 pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketFactory
  fetch?: typeof fetch
  /** Wire format: msgpack (default) or JSON text frames. */
  format?: 'msgpack' | 'json'
  requestTimeoutMs?: number
  reconnect?: Partial<BackoffOptions> & { enabled?: boolean; maxAttempts?: number }
}

export interface Welcome {
  sessionId: string
  resumed: boolean
  replayed: number
  user: AuthTokens['user']
  serverTime: number
  heartbeatMs: number
  protocolVersion: number
}

interface Pending {
  /** Runs as the reply is read, before any frame after it: state the next frames depend on is set here. */
  onReply?: (payload: unknown) => void
  resolve(v: unknown): void
  reject(e: unknown): void
  timer: ReturnType<typeof setTimeout>
}

type Listener = (payload: unknown, meta: { seq: number | undefined }) => void

/**
 * Tavern's client: accounts over REST, then one WebSocket with typed requests and events. It reconnects with
 * backoff and resumes the session, so events missed while disconnected arrive in order, exactly once.
 */
export class TavernClient {
  readonly rest: RestClient
  tokens: AuthTokens | null = null
  sessionId: string | null = null
  /** Highest event sequence number received; sent back on resume. */
  lastSeq = 0
  state: ConnectionState = 'idle'
  /** Round-trip time of the last ping, in ms. */
  latencyMs: number | null = null

  private ws: WebSocketLike | null = null
  private readonly codec: Codec
  private readonly WS: WebSocketFactory
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Map<string, Set<Listener>>()
  private readonly stateListeners = new Set<
    (s: ConnectionState, detail?: { code?: number; reason?: string }) => void
  >()
  private readonly backoff: BackoffOptions & { enabled: boolean; maxAttempts: number }
  private attempts = 0
  private closedByUser = false
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private heartbeat: ReturnType<typeof setInterval> | undefined
  private lastReceived = 0
  private heartbeatMs = 15_000
  /** The server said the access token no longer holds (a role change): refresh it before the next `auth`. */
  private tokenStale = false
  /**
   * No reconnect before this time (epoch ms): the server asked for a wait (`server.shutdown`'s reconnectAfterMs, an
   * over-capacity refusal's retryAfterMs), spread by the backoff's jitter so its clients do not all return at once.
   */
  private notBefore = 0
  /** The attempt to open and authenticate now running: a second caller joins it instead of opening another. */
  private opening: Promise<Welcome> | null = null

  constructor(private readonly options: TavernClientOptions) {
    const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketFactory }).WebSocket
    if (!WS) throw new Error('No WebSocket implementation: pass `WebSocket` from the ws package in Node')
    this.WS = WS
    this.rest = new RestClient(options.url, options.fetch ?? globalThis.fetch.bind(globalThis))
    this.codec = options.format === 'json' ? jsonCodec : msgpackCodec
    this.backoff = {
      initialDelayMs: 250,
      maxDelayMs: 10_000,
      jitter: 0.3,
      enabled: true,
      maxAttempts: Number.POSITIVE_INFINITY,
      ...options.reconnect,
    }
  }

  /** Creates an account and keeps its tokens. */
  async register(username: string, password: string): Promise<AuthTokens> {
    this.tokens = await this.rest.register(username, password)
    return this.tokens
  }

  async login(username: string, password: string): Promise<AuthTokens> {
    this.tokens = await this.rest.login(username, password)
    return this.tokens
  }

  /** Revokes the refresh token and closes the socket. */
  async logout(): Promise<void> {
    const t = this.tokens
    this.close()
    this.tokens = null
    if (t) await this.rest.logout(t.refreshToken)
  }

  /**
   * Opens the socket and authenticates (resuming the previous session if there is one). An access token the server
   * refuses as stale (expired, or from before a role change) is refreshed and tried once more.
   */
  async connect(): Promise<Welcome> {
    this.closedByUser = false
    clearTimeout(this.reconnectTimer)
    const state = this.state === 'reconnecting' ? 'reconnecting' : 'connecting'
    try {
      return await this.open(state)
    } catch (err) {
      if (!this.tokenStale || this.closedByUser) throw err
      return this.open(state)
    }
  }

  /** Sends a typed request; resolves with the reply payload or rejects with a {@link TavernError}. */
  request<T extends RequestType>(
    type: T,
    payload: RequestPayload<T>,
    opts: { timeoutMs?: number } = {},
  ): Promise<ResponsePayload<T>> {
    return this.call(type, payload, opts.timeoutMs)
  }

  private call<T extends RequestType>(
    type: T,
    payload: RequestPayload<T>,
    timeoutMs?: number,
    onReply?: (payload: ResponsePayload<T>) => void,
  ): Promise<ResponsePayload<T>> {
    const ws = this.ws
    if (ws?.readyState !== 1) return Promise.reject(TavernError.of('sys.disconnected'))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(id)
          reject(TavernError.of('sys.timeout', { message: `${type} got no reply in time` }))
        },
        timeoutMs ?? this.options.requestTimeoutMs ?? 10_000,
      )
      this.pending.set(id, {
        onReply: onReply as ((v: unknown) => void) | undefined,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer,
      })
      ws.send(this.codec.encode({ type, id, payload }))
    })
  }

  /** Subscribes to an event type; returns the unsubscribe function. */
  on<T extends EventType>(
    type: T,
    handler: (payload: EventPayload<T>, meta: { seq: number | undefined }) => void,
  ): () => void {
    let set = this.listeners.get(type)
    if (!set) {
      set = new Set()
      this.listeners.set(type, set)
    }
    set.add(handler as Listener)
    return () => set.delete(handler as Listener)
  }

  /** Subscribes to connection state changes (for a status indicator). */
  onState(handler: (s: ConnectionState, detail?: { code?: number; reason?: string }) => void): () => void {
    this.stateListeners.add(handler)
    return () => this.stateListeners.delete(handler)
  }

  /** Measures the round trip to the server. */
  async ping(): Promise<number> {
    const t0 = Date.now()
    await this.request('ping', { clientTime: t0 })
    this.latencyMs = Date.now() - t0
    return this.latencyMs
  }

  /** Closes for good: no reconnect, session not resumed. */
  close(code = 1000, reason = 'client closed'): void {
    this.closedByUser = true
    clearTimeout(this.reconnectTimer)
    this.stopHeartbeat()
    this.ws?.close(code, reason)
    this.ws = null
    this.failPending(TavernError.of('sys.disconnected'))
    this.setState('closed')
  }

  /** Drops the socket as a network failure would (tests, and a "reconnect now" button). */
  dropConnection(): void {
    this.ws?.close(4999, 'dropped by client')
  }

  /** Opens and authenticates, or joins the attempt already running (`connect()` during a reconnect). */
  private open(state: ConnectionState): Promise<Welcome> {
    if (this.opening) return this.opening
    const attempt = this.openSocket(state).finally(() => {
      if (this.opening === attempt) this.opening = null
    })
    this.opening = attempt
    return attempt
  }

  private async openSocket(state: ConnectionState): Promise<Welcome> {
    if (!this.tokens) throw new Error('log in or register before connecting')
    if (this.tokenStale || this.tokens.expiresAt - Date.now() < 30_000) {
      this.tokens = await this.rest.refresh(this.tokens.refreshToken)
      this.tokenStale = false
    }
    this.setState(state)
    const wsUrl = new URL('/ws', this.options.url)
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = new this.WS(wsUrl.toString(), [this.codec.binary ? SUBPROTOCOL_MSGPACK : SUBPROTOCOL_JSON])
    ws.binaryType = 'arraybuffer'
    this.ws = ws
    try {
      return await this.authenticate(ws, this.tokens.accessToken)
    } catch (err) {
      // A failed attempt lets its socket go: its close is no longer the client's (the caller decides what next).
      if (this.ws === ws) {
        this.ws = null
        ws.close()
      }
      throw err
    }
  }

  private async authenticate(ws: WebSocketLike, token: string): Promise<Welcome> {
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve()
      ws.onerror = () => reject(TavernError.of('sys.disconnected', { message: 'Could not connect' }))
      ws.onclose = (ev) =>
        reject(TavernError.of('sys.disconnected', { message: `Closed (${ev.code}) before opening` }))
    })
    ws.onmessage = (ev) => this.onFrame(ev.data)
    ws.onclose = (ev) => this.onClose(ws, ev.code, ev.reason)
    ws.onerror = () => undefined
    this.lastReceived = Date.now()
    const resume = this.sessionId ? { sessionId: this.sessionId, lastSeq: this.lastSeq } : undefined
    // Events of the new session may arrive in the same read as the welcome, before this function goes on: the
    // welcome is adopted as it is read, or a fresh session's first events would be counted against the old one.
    const welcome = (await this.call('auth', { token, resume }, undefined, (w) =>
      this.adopt(w as Welcome),
    ).catch((err: unknown) => {
      // A token made stale since it was issued (a role change) is refreshed for the next attempt.
      const code = (err as TavernError).code
      if (code === 'auth.token_expired' || code === 'auth.token_invalid') this.tokenStale = true
      if (code === 'sys.over_capacity') this.waitBeforeReconnect((err as TavernError).retryAfterMs)
      throw err
    })) as Welcome
    this.heartbeatMs = welcome.heartbeatMs
    this.attempts = 0
    this.startHeartbeat()
    this.setState('open')
    return welcome
  }

  private adopt(welcome: Welcome): void {
    if (!welcome.resumed) this.lastSeq = 0
    this.sessionId = welcome.sessionId
  }

  private onFrame(data: unknown): void {
    this.lastReceived = Date.now()
    let env: ReturnType<typeof asEnvelope>
    try {
      const frame = typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer)
      env = asEnvelope(this.codec.decode(frame))
    } catch {
      return
    }
    if (!env) return
    if (env.type === 'ok' || env.type === 'error') {
      const p = typeof env.id === 'number' ? this.pending.get(env.id) : undefined
      if (!p) return
      this.pending.delete(env.id as number)
      clearTimeout(p.timer)
      if (env.type === 'ok') {
        p.onReply?.(env.payload)
        p.resolve(env.payload)
      } else p.reject(new TavernError(env.payload as ErrorBody))
      return
    }
    if (env.seq !== undefined) {
      if (env.seq <= this.lastSeq) return // already delivered before a resume
      this.lastSeq = env.seq
    }
    if (env.type === 'server.shutdown')
      this.waitBeforeReconnect((env.payload as { reconnectAfterMs?: number }).reconnectAfterMs)
    const set = this.listeners.get(env.type)
    if (set) for (const l of [...set]) l(env.payload, { seq: env.seq })
    const any = this.listeners.get('*')
    if (any) for (const l of [...any]) l({ type: env.type, payload: env.payload }, { seq: env.seq })
  }

  private onClose(ws: WebSocketLike, code: number, reason: string): void {
    if (this.ws !== ws) return
    this.ws = null
    this.stopHeartbeat()
    this.failPending(TavernError.of('sys.disconnected', { message: `Connection closed (${code})` }))
    if (this.closedByUser) return
    if (code === CloseCode.REAUTHENTICATE) this.tokenStale = true
    // A reconnect refused for a stale token is worth one more try, with a refreshed one (`connect()` retries itself).
    const retry = code === CloseCode.INVALID_TOKEN && this.tokenStale && this.state === 'reconnecting'
    const terminal = (terminalCloseCodes.has(code) && !retry) || code === CloseCode.AUTH_TIMEOUT
    if (terminal || !this.backoff.enabled || this.attempts >= this.backoff.maxAttempts) {
      if (code === CloseCode.INVALID_TOKEN || code === CloseCode.FORBIDDEN) this.sessionId = null
      this.setState('closed', { code, reason })
      return
    }
    // A reconnect whose socket closed before it was welcomed: that attempt fails and schedules the next one itself.
    if (this.state === 'reconnecting') return
    this.setState('reconnecting', { code, reason })
    this.scheduleReconnect()
  }

  /** Holds reconnects back for about `ms` (at least `ms`, up to the backoff's jitter more). */
  private waitBeforeReconnect(ms: number | undefined): void {
    if (typeof ms !== 'number' || !(ms > 0)) return
    const until = Date.now() + Math.round(ms * (1 + this.backoff.jitter * Math.random()))
    this.notBefore = Math.max(this.notBefore, until)
  }

  private scheduleReconnect(): void {
    const delay = Math.max(backoffDelay(this.attempts++, this.backoff), this.notBefore - Date.now())
    this.reconnectTimer = setTimeout(() => {
      this.open('reconnecting').catch((err: unknown) => {
        if (this.closedByUser || this.state === 'closed') return
        const code = (err as TavernError).code
        if (code === 'auth.refresh_invalid' || code === 'auth.refresh_reused' || code === 'auth.banned') {
          this.setState('closed', { reason: code })
          return
        }
        if (this.attempts >= this.backoff.maxAttempts) this.setState('closed', { reason: 'gave up' })
        else this.scheduleReconnect()
      })
    }, delay)
  }

  private startHeartbeat(): void {
    this.stopHeartbeat()
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastReceived < this.heartbeatMs) return
      this.ping().catch(() => this.dropConnection())
    }, this.heartbeatMs)
    ;(this.heartbeat as { unref?: () => void }).unref?.()
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat)
  }

  private failPending(err: TavernError): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer)
      p.reject(err)
    }
    this.pending.clear()
  }

  private setState(s: ConnectionState, detail?: { code?: number; reason?: string }): void {
    this.state = s
    for (const l of [...this.stateListeners]) l(s, detail)
  }
}
