import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { z } from 'zod'
import { intSetting, listSetting } from './settings-schema.ts'

/**
 * Core settings. Each has an environment variable, a default and a line of documentation; docs/operations.md
 * lists them all (a test keeps the two in step). A JSON file named by TAVERN_CONFIG may set the same keys
 * (nested, e.g. `{ "gateway": { "resumeGraceMs": 60000 } }`) plus `modules.<name>` settings; the environment wins.
 */
interface Setting {
  env: string
  path: readonly [string, string]
  schema: z.ZodType
  doc: string
}

const int = intSetting
const str = (def: string) => z.string().min(1).default(def)
const optUrl = z
  .string()
  .regex(/^[a-z][a-z0-9+.-]*:\/\//i, 'must be a URL')
  .optional()
const list = listSetting(z.string())

export const settings: readonly Setting[] = [
  {
    env: 'HOST',
    path: ['server', 'host'],
    schema: str('127.0.0.1'),
    doc: 'Interface to listen on (0.0.0.0 for all).',
  },
  {
    env: 'PORT',
    path: ['server', 'port'],
    schema: int(0, 65535, 4000),
    doc: 'HTTP and WebSocket port (0: any free port).',
  },
  {
    env: 'TAVERN_DATA_DIR',
    path: ['server', 'dataDir'],
    schema: str('./data'),
    doc: 'Embedded PGlite database, generated JWT secret, lock file.',
  },
  {
    env: 'TAVERN_LOG_LEVEL',
    path: ['server', 'logLevel'],
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    doc: 'Structured JSON log level.',
  },
  {
    env: 'TAVERN_PROCESS_ID',
    path: ['server', 'processId'],
    schema: z.string().min(1).max(64).optional(),
    doc: 'Name of this process among several (default: host-pid). Owns leases and logs.',
  },
  {
    env: 'TAVERN_TRUST_PROXY',
    path: ['server', 'trustProxy'],
    schema: z.stringbool().default(false),
    doc: 'Trust X-Forwarded-For (set behind a reverse proxy) for client IPs.',
  },
  {
    env: 'TAVERN_SHUTDOWN_RECONNECT_MS',
    path: ['server', 'shutdownReconnectMs'],
    schema: int(0, 120_000, 2000),
    doc: 'At shutdown, how long clients are told to wait before reconnecting (server.shutdown).',
  },
  {
    env: 'DATABASE_URL',
    path: ['database', 'url'],
    schema: optUrl,
    doc: 'PostgreSQL URL. Unset: embedded PGlite under TAVERN_DATA_DIR.',
  },
  {
    env: 'TAVERN_DB_POOL_MAX',
    path: ['database', 'poolMax'],
    schema: int(1, 200, 10),
    doc: 'PostgreSQL connections per process.',
  },
  {
    env: 'VALKEY_URL',
    path: ['hot', 'url'],
    schema: optUrl,
    doc: 'Valkey/Redis URL (redis://…). Unset: in-process memory (lost on exit; see backup notes).',
  },
  {
    env: 'TAVERN_HOT_PREFIX',
    path: ['hot', 'prefix'],
    schema: z.string().max(64).default('tavern:'),
    doc: 'Prefix of every hot-store key and bus channel (several Taverns may share one Valkey).',
  },
  {
    env: 'TAVERN_WS_MAX_FRAME_BYTES',
    path: ['gateway', 'maxFrameBytes'],
    schema: int(1024, 16 * 1024 * 1024, 65536),
    doc: 'Largest WebSocket frame; larger frames close the socket with 1009.',
  },
  {
    env: 'TAVERN_WS_AUTH_TIMEOUT_MS',
    path: ['gateway', 'authTimeoutMs'],
    schema: int(100, 60_000, 5000),
    doc: 'A socket must authenticate within this time or is closed with 4002.',
  },
  {
    env: 'TAVERN_WS_HEARTBEAT_MS',
    path: ['gateway', 'heartbeatMs'],
    schema: int(100, 300_000, 15_000),
    doc: 'Interval of server WebSocket pings (to quiet sockets, and to acknowledge events kept for a resume).',
  },
  {
    env: 'TAVERN_WS_IDLE_TIMEOUT_MS',
    path: ['gateway', 'idleTimeoutMs'],
    schema: int(200, 3_600_000, 45_000),
    doc: 'A socket that sends nothing (not even a pong) this long is closed with 4011.',
  },
  {
    env: 'TAVERN_WS_RESUME_GRACE_MS',
    path: ['gateway', 'resumeGraceMs'],
    schema: int(0, 3_600_000, 30_000),
    doc: 'How long a dropped session waits for its client to resume before it ends.',
  },
  {
    env: 'TAVERN_WS_REPLAY_EVENTS',
    path: ['gateway', 'replayEvents'],
    schema: int(0, 100_000, 1000),
    doc: 'Events kept per session for replay on resume (until a pong acknowledges them).',
  },
  {
    env: 'TAVERN_WS_MAX_CONNECTIONS',
    path: ['gateway', 'maxConnections'],
    schema: int(1, 1_000_000, 20_000),
    doc: 'Authenticated sessions per process; more are refused with sys.over_capacity (admins bypass).',
  },
  {
    env: 'TAVERN_WS_FLOOD_PER_SEC',
    path: ['gateway', 'floodPerSec'],
    schema: int(1, 100_000, 60),
    doc: 'Sustained messages per second per connection before flood protection.',
  },
  {
    env: 'TAVERN_WS_FLOOD_BURST',
    path: ['gateway', 'floodBurst'],
    schema: int(1, 100_000, 120),
    doc: 'Burst allowance; beyond it messages are refused, and far beyond it (2×) the socket closes with 4008.',
  },
  {
    env: 'TAVERN_WS_MAX_BAD_FRAMES',
    path: ['gateway', 'maxBadFrames'],
    schema: int(1, 10_000, 10),
    doc: 'Undecodable frames or invalid envelopes tolerated before closing with 4000.',
  },
  {
    env: 'TAVERN_FLUSH_INTERVAL_MS',
    path: ['state', 'flushIntervalMs'],
    schema: int(50, 600_000, 10_000),
    doc: 'How often dirty hot state is written to the durable store in bulk.',
  },
  {
    env: 'TAVERN_SCHEDULER_POLL_MS',
    path: ['scheduler', 'pollMs'],
    schema: int(10, 60_000, 250),
    doc: 'How often due durable timed events are claimed.',
  },
  {
    env: 'TAVERN_MODULES',
    path: ['modules', 'enabled'],
    schema: list.optional(),
    doc: 'Comma-separated modules to run (default: every built-in module).',
  },
  {
    env: 'TAVERN_MODULE_PATHS',
    path: ['modules', 'paths'],
    schema: list.default([]),
    doc: 'Extra module files to load (each default-exports a defineModule value).',
  },
]

function buildSchema() {
  const groups = new Map<string, Record<string, z.ZodType>>()
  for (const s of settings) {
    const [group, key] = s.path
    const g = groups.get(group) ?? {}
    g[key] = s.schema
    groups.set(group, g)
  }
  // Module settings are validated later by each module's own schema.
  groups.get('modules')!.settings = z.record(z.string(), z.record(z.string(), z.unknown())).default({})
  const shape: Record<string, z.ZodType> = {}
  for (const [group, fields] of groups) shape[group] = z.object(fields).strict().prefault({})
  return z.object(shape).strict()
}

const configSchema = buildSchema()

export interface TavernConfig {
  server: {
    host: string
    port: number
    dataDir: string
    logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
    processId: string
    trustProxy: boolean
    shutdownReconnectMs: number
  }
  database: { url?: string; poolMax: number }
  hot: { url?: string; prefix: string }
  gateway: {
    maxFrameBytes: number
    authTimeoutMs: number
    heartbeatMs: number
    idleTimeoutMs: number
    resumeGraceMs: number
    replayEvents: number
    replayBytes: number
    maxConnections: number
    floodPerSec: number
    floodBurst: number
    maxBadFrames: number
  }
  state: { flushIntervalMs: number }
  scheduler: { pollMs: number }
  modules: { enabled?: string[]; paths: string[]; settings: Record<string, Record<string, unknown>> }
}

export type ConfigInput = { [G in keyof TavernConfig]?: Partial<TavernConfig[G]> }

/**
 * Reads the configuration once: file (TAVERN_CONFIG), then environment, then `overrides` (tests). Validates,
 * fills defaults and freezes. Throws one Error listing every invalid setting by its environment variable.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigInput = {},
): Readonly<TavernConfig> {
  const raw: Record<string, Record<string, unknown>> = {}
  if (env.TAVERN_CONFIG) mergeInto(raw, readConfigFile(env.TAVERN_CONFIG))
  for (const s of settings) {
    const v = env[s.env]
    if (v !== undefined && v !== '') (raw[s.path[0]] ??= {})[s.path[1]] = v
  }
  mergeInto(raw, readModuleEnv(env))
  mergeInto(raw, overrides as Record<string, Record<string, unknown>>)
  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const setting = settings.find((s) => s.path[0] === i.path[0] && s.path[1] === i.path[1])
      return `  ${setting ? setting.env : i.path.join('.')}: ${i.message}`
    })
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const config = parsed.data as unknown as TavernConfig
  config.server.processId ??= `${hostname()}-${process.pid}`
  return deepFreeze(config)
}

/** `TAVERN_CHAT_GLOBAL_POST_ROLE=moderator` → modules.settings.chat.globalPostRole = 'moderator'. */
function readModuleEnv(env: NodeJS.ProcessEnv): Record<string, Record<string, unknown>> {
  const known = new Set(settings.map((s) => s.env))
  const out: Record<string, Record<string, unknown>> = {}
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('TAVERN_') || known.has(k) || k === 'TAVERN_CONFIG' || v === undefined) continue
    const m = /^TAVERN_([A-Z0-9]+)_([A-Z0-9_]+)$/.exec(k)
    if (!m?.[1] || !m[2] || ['WS', 'DB', 'HOT', 'TEST'].includes(m[1])) continue
    const moduleName = m[1].toLowerCase()
    const key = m[2].toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
    const settingsRoot = (out.modules ??= {}) as Record<string, Record<string, unknown>>
    const bucket = ((settingsRoot.settings as Record<string, Record<string, unknown>>) ??= {})
    ;(bucket[moduleName] ??= {})[key] = v
  }
  return out
}

function readConfigFile(path: string): Record<string, Record<string, unknown>> {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new Error(`Cannot read TAVERN_CONFIG file ${path}: ${(err as Error).message}`)
  }
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const t = (target[k] ??= {}) as Record<string, unknown>
      mergeInto(t, v as Record<string, unknown>)
    } else target[k] = v
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v)
    Object.freeze(o)
  }
  return o
}
