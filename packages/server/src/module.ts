import type {
  ErrorBody,
  ErrorCode,
  EventPayload,
  EventType,
  MessageDef,
  ParsedRequest,
  RequestType,
  ResponsePayload,
  UserRef,
} from '@tavern/protocol'
import { errorBody } from '@tavern/protocol'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { z } from 'zod'
import type { Clock } from './clock.ts'
import type { Bus, HotStore } from './hot/types.ts'
import type { Random } from './random.ts'
import type { Scheduler, TimedEvent } from './scheduler/types.ts'
import type { StateLayer } from './state/types.ts'
import type { Migration, Sql } from './storage/sql.ts'

/** A rejection is a value, not an exception: handlers and game rules return it; the edge turns it into an error. */
export class Rejection {
  constructor(readonly body: ErrorBody) {}
}

/** Rejects with a catalog code; `extra` may refine the message or add `retryAfterMs` / `details`. */
export function reject(code: ErrorCode, extra?: Partial<Omit<ErrorBody, 'code' | 'category'>>): Rejection {
  return new Rejection(errorBody(code, extra))
}

/** One authenticated connection, possibly suspended while its client reconnects. */
export interface Session {
  readonly id: string
  readonly user: UserRef
  /** Sends an event; it is sequenced and kept for replay until the grace window ends. */
  send<T extends EventType>(type: T, payload: EventPayload<T>): void
  /**
   * Sends an event whose payload the caller encodes as msgpack — for hot paths that assemble payloads from shared,
   * pre-encoded parts: `write` puts exactly `length` bytes at `at` of the frame. They must decode to a valid
   * payload of `type`; JSON sockets get them decoded.
   *
   * A `volatile` event is one the next of its kind supersedes (a state diff sent many times a second): it carries no
   * seq, is not kept for a resume, and is dropped while the session is suspended. A module that sends one brings a
   * resumed client up to date itself (`onSessionResume`).
   */
  sendMsgpack<T extends EventType>(
    type: T,
    length: number,
    write: (frame: Buffer, at: number) => void,
    opts?: { volatile?: boolean },
  ): void
  /** Per-session scratch space for modules, keyed by module name. */
  readonly data: Map<string, unknown>
}

export type SessionEndReason =
  | 'disconnected'
  | 'replaced'
  | 'kicked'
  | 'banned'
  | 'shutdown'
  | 'logout'
  /** The account's role changed: the session ran with the old one; the client comes back with a fresh token. */
  | 'role_changed'

/** Why a module or moderator ends all of a user's sessions. */
export type DisconnectReason = Extract<SessionEndReason, 'kicked' | 'banned' | 'role_changed'>

/** What modules can ask of the realtime layer. */
export interface Sessions {
  /** Sessions of this process, by id. */
  local(): Iterable<Session>
  /** The live session of a user on this process, if any. */
  ofUser(userId: string): Session | undefined
  /** Sends an event to a user wherever they are connected (crosses processes over the bus). */
  sendToUser<T extends EventType>(userId: string, type: T, payload: EventPayload<T>): Promise<void>
  /** Sends one event to many local sessions, encoding it once. */
  broadcast<T extends EventType>(targets: Iterable<Session>, type: T, payload: EventPayload<T>): void
  /**
   * Sends one event whose payload the caller encodes as msgpack (see `Session.sendMsgpack`) to many local
   * sessions: the frame is assembled once, and a volatile one is the same bytes for every recipient.
   */
  broadcastMsgpack<T extends EventType>(
    targets: Iterable<Session>,
    type: T,
    length: number,
    write: (frame: Buffer, at: number) => void,
    opts?: { volatile?: boolean },
  ): void
  /** Whether the user has a live session on any process. */
  isOnline(userId: string): Promise<boolean>
  /** Closes every session of a user (kick, ban, role change), on any process. */
  disconnectUser(userId: string, reason: DisconnectReason): Promise<void>
}

export interface RequestContext<T extends RequestType> {
  readonly session: Session
  readonly payload: ParsedRequest<T>
  readonly type: T
}

export type RequestHandler<T extends RequestType> = (
  req: RequestContext<T>,
) => Promise<ResponsePayload<T> | Rejection> | ResponsePayload<T> | Rejection

export type MessageHandlers = { [T in RequestType]?: RequestHandler<T> }

/** A fixed-rate loop (the module's simulation); `dtMs` is the nominal period. */
export interface SystemDef {
  readonly name: string
  readonly hz: number
  run(tick: { n: number; dtMs: number; now: number }): void | Promise<void>
}

/** Everything a module may touch. Built by the kernel; modules never open connections or read the environment. */
export interface ModuleContext<C = unknown> {
  readonly name: string
  readonly config: C
  readonly log: Logger
  readonly clock: Clock
  readonly random: Random
  readonly sql: Sql
  readonly hot: HotStore
  readonly bus: Bus
  readonly scheduler: Scheduler
  readonly state: StateLayer
  readonly sessions: Sessions
  readonly metrics: Registry
  /** Directory for files this process keeps (TAVERN_DATA_DIR), e.g. the generated token secret. */
  readonly dataDir?: string
  /** The API another module exposes (it must be in `dependsOn`). */
  use<N extends keyof ModuleApis>(name: N): ModuleApis[N]
}

/**
 * Modules add their exposed API here by declaration merging:
 * `declare module '@tavern/server' { interface ModuleApis { chat: ChatApi } }`
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ModuleApis {}

export interface SessionHooks {
  /** A session authenticated (not a resume). */
  onSessionStart?(session: Session): void | Promise<void>
  /** The socket dropped; the session may still resume within the grace window. */
  onSessionSuspend?(session: Session): void | Promise<void>
  onSessionResume?(session: Session): void | Promise<void>
  /** The session is over: grace expired, replaced, kicked, logged out or shutdown. */
  onSessionEnd?(session: Session, reason: SessionEndReason): void | Promise<void>
}

export interface ModuleDefinition<C = unknown, Api = unknown> {
  readonly name: string
  readonly dependsOn?: readonly string[]
  /** Validates the module's settings (from `modules.<name>` in the config file and `TAVERN_<NAME>_*`). */
  readonly config?: z.ZodType<C>
  readonly migrations?: readonly Migration[]
  /**
   * Message types this module adds beyond those of `@tavern/protocol` (third-party modules), each named
   * `<module>.<message>`. Built-in modules declare theirs in the protocol package so the SDK is typed.
   */
  readonly protocol?: Readonly<Record<string, MessageDef>>
  /** Builds the API other modules get through `ctx.use(name)`. Runs after migrations. */
  readonly api?: (ctx: ModuleContext<C>) => Api | Promise<Api>
  readonly routes?: (app: FastifyInstance, ctx: ModuleContext<C>, api: Api) => void | Promise<void>
  readonly messages?: (ctx: ModuleContext<C>, api: Api) => MessageHandlers
  readonly systems?: (ctx: ModuleContext<C>, api: Api) => readonly SystemDef[]
  /** Handlers of durable timed events by kind (`<module>.<event>`), run exactly once inside the claiming transaction. */
  readonly scheduled?: (
    ctx: ModuleContext<C>,
    api: Api,
  ) => Record<string, (event: TimedEvent, tx: Sql) => Promise<void>>
  readonly sessions?: (ctx: ModuleContext<C>, api: Api) => SessionHooks
  readonly onReady?: (ctx: ModuleContext<C>, api: Api) => void | Promise<void>
  readonly onShutdown?: (ctx: ModuleContext<C>, api: Api) => void | Promise<void>
}

/** Declares a module. A module is a value: the kernel instantiates it, so two kernels never share state. */
export function defineModule<C = unknown, Api = undefined>(
  def: ModuleDefinition<C, Api>,
): ModuleDefinition<C, Api> {
  if (!/^[a-z][a-z0-9_]*$/.test(def.name)) throw new Error(`module name must be snake case: ${def.name}`)
  return Object.freeze({ ...def })
}
