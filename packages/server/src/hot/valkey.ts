import { Redis, type RedisOptions } from 'iovalkey'
import { validateHotOps } from './ops.ts'
import type { HotOp, HotStore } from './types.ts'

// Scripts run atomically on the server; iovalkey prefixes their KEYS like any other command's keys.
const scripts = {
  tavernIncrTtl: {
    numberOfKeys: 1,
    lua: `local existed = redis.call('EXISTS', KEYS[1])
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`,
  },
  tavernCompareAndDelete: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  },
  tavernCompareAndExpire: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
  },
  tavernHdelIfEquals: {
    numberOfKeys: 1,
    lua: `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`,
  },
} as const

/** Variadic forms of two commands whose typed overloads do not fit optional arguments built at run time. */
interface Variadic {
  set(...args: Array<string | number>): Promise<string | null>
  zrangebyscore(...args: Array<string | number>): Promise<string[]>
}

type Scripted = {
  [K in keyof typeof scripts]: (key: string, ...args: Array<string | number>) => Promise<number>
}

export interface ValkeyHotStoreOptions {
  url: string
  /** Prepended to every key (iovalkey `keyPrefix`, which also covers script keys). */
  prefix?: string
  /** Called after every command with its duration, for metrics. */
  onCommand?: (ms: number, ok: boolean) => void
  /** Connection errors; commands also reject on their own, so the default ignores them. */
  onError?: (err: Error) => void
  /** Extra iovalkey options. */
  redis?: RedisOptions
}

/** PX and PEXPIRE take whole milliseconds. */
const ms = (ttlMs: number): number => Math.ceil(ttlMs)

function scoreArg(n: number): string {
  return n === Number.POSITIVE_INFINITY ? '+inf' : n === Number.NEGATIVE_INFINITY ? '-inf' : String(n)
}

function parseScore(s: string): number {
  if (s === 'inf' || s === '+inf') return Number.POSITIVE_INFINITY
  if (s === '-inf') return Number.NEGATIVE_INFINITY
  return Number(s)
}

/** The hot store on Valkey (or Redis 7). */
export class ValkeyHotStore implements HotStore {
  readonly kind = 'valkey' as const
  readonly client: Redis
  readonly #onCommand: ((ms: number, ok: boolean) => void) | undefined

  constructor(opts: ValkeyHotStoreOptions) {
    this.client = new Redis(opts.url, { ...opts.redis, keyPrefix: opts.prefix ?? '' })
    this.client.on('error', opts.onError ?? (() => {}))
    for (const [name, def] of Object.entries(scripts)) this.client.defineCommand(name, def)
    this.#onCommand = opts.onCommand
  }

  get #scripts(): Scripted {
    return this.client as unknown as Scripted
  }

  // `call()` would skip the key prefix; the named methods apply it.
  get #variadic(): Variadic {
    return this.client as unknown as Variadic
  }

  async #run<T>(fn: () => Promise<T>): Promise<T> {
    const hook = this.#onCommand
    if (!hook) return fn()
    const t0 = performance.now()
    try {
      const r = await fn()
      hook(performance.now() - t0, true)
      return r
    } catch (err) {
      hook(performance.now() - t0, false)
      throw err
    }
  }

  get(key: string): Promise<string | null> {
    return this.#run(() => this.client.get(key))
  }

  set(key: string, value: string, opts: { ttlMs?: number; ifAbsent?: boolean } = {}): Promise<boolean> {
    const args: Array<string | number> = [key, value]
    if (opts.ttlMs !== undefined) args.push('PX', ms(opts.ttlMs))
    if (opts.ifAbsent) args.push('NX')
    return this.#run(async () => (await this.#variadic.set(...args)) === 'OK')
  }

  del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return Promise.resolve(0)
    return this.#run(() => this.client.del(...keys))
  }

  incr(key: string, by = 1, ttlMs?: number): Promise<number> {
    if (ttlMs === undefined) return this.#run(() => this.client.incrby(key, by))
    return this.#run(() => this.#scripts.tavernIncrTtl(key, by, ms(ttlMs)))
  }

  expire(key: string, ttlMs: number): Promise<boolean> {
    return this.#run(async () => (await this.client.pexpire(key, ms(ttlMs))) === 1)
  }

  pttl(key: string): Promise<number> {
    return this.#run(() => this.client.pttl(key))
  }

  hget(key: string, field: string): Promise<string | null> {
    return this.#run(() => this.client.hget(key, field))
  }

  hmget(key: string, fields: string[]): Promise<Array<string | null>> {
    if (fields.length === 0) return Promise.resolve([])
    return this.#run(() => this.client.hmget(key, ...fields))
  }

  hgetall(key: string): Promise<Record<string, string>> {
    return this.#run(() => this.client.hgetall(key))
  }

  async hset(key: string, fields: Record<string, string>): Promise<void> {
    if (Object.keys(fields).length === 0) return
    await this.#run(() => this.client.hset(key, fields))
  }

  hdel(key: string, ...fields: string[]): Promise<number> {
    if (fields.length === 0) return Promise.resolve(0)
    return this.#run(() => this.client.hdel(key, ...fields))
  }

  hincrby(key: string, field: string, by: number): Promise<number> {
    return this.#run(() => this.client.hincrby(key, field, by))
  }

  sadd(key: string, ...members: string[]): Promise<number> {
    if (members.length === 0) return Promise.resolve(0)
    return this.#run(() => this.client.sadd(key, ...members))
  }

  srem(key: string, ...members: string[]): Promise<number> {
    if (members.length === 0) return Promise.resolve(0)
    return this.#run(() => this.client.srem(key, ...members))
  }

  smembers(key: string): Promise<string[]> {
    return this.#run(() => this.client.smembers(key))
  }

  sismember(key: string, member: string): Promise<boolean> {
    return this.#run(async () => (await this.client.sismember(key, member)) === 1)
  }

  scard(key: string): Promise<number> {
    return this.#run(() => this.client.scard(key))
  }

  zadd(key: string, entries: Array<[score: number, member: string]>): Promise<number> {
    if (entries.length === 0) return Promise.resolve(0)
    return this.#run(() => this.client.zadd(key, ...entries.flatMap(([s, m]) => [scoreArg(s), m])))
  }

  zrem(key: string, ...members: string[]): Promise<number> {
    if (members.length === 0) return Promise.resolve(0)
    return this.#run(() => this.client.zrem(key, ...members))
  }

  zscore(key: string, member: string): Promise<number | null> {
    return this.#run(async () => {
      const s = await this.client.zscore(key, member)
      return s === null ? null : parseScore(s)
    })
  }

  zrangeByScore(key: string, min: number, max: number, limit?: number): Promise<Array<[string, number]>> {
    return this.#run(async () => {
      const args: Array<string | number> = [key, scoreArg(min), scoreArg(max), 'WITHSCORES']
      if (limit !== undefined) args.push('LIMIT', 0, Math.max(0, limit))
      const flat = await this.#variadic.zrangebyscore(...args)
      const out: Array<[string, number]> = []
      for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, parseScore(flat[i + 1]!)])
      return out
    })
  }

  zcard(key: string): Promise<number> {
    return this.#run(() => this.client.zcard(key))
  }

  rpush(key: string, ...values: string[]): Promise<number> {
    if (values.length === 0) return this.llen(key)
    return this.#run(() => this.client.rpush(key, ...values))
  }

  lrange(key: string, start: number, stop: number): Promise<string[]> {
    return this.#run(() => this.client.lrange(key, start, stop))
  }

  async ltrim(key: string, start: number, stop: number): Promise<void> {
    await this.#run(() => this.client.ltrim(key, start, stop))
  }

  llen(key: string): Promise<number> {
    return this.#run(() => this.client.llen(key))
  }

  async multi(ops: HotOp[]): Promise<void> {
    validateHotOps(ops)
    if (ops.length === 0) return
    const tx = this.client.multi()
    for (const op of ops) {
      switch (op.op) {
        case 'set':
          if (op.ttlMs === undefined) tx.set(op.key, op.value)
          else tx.set(op.key, op.value, 'PX', ms(op.ttlMs))
          break
        case 'del':
          tx.del(op.key)
          break
        case 'expire':
          tx.pexpire(op.key, ms(op.ttlMs))
          break
        case 'hset':
          if (Object.keys(op.fields).length > 0) tx.hset(op.key, op.fields)
          break
        case 'hdel':
          if (op.fields.length > 0) tx.hdel(op.key, ...op.fields)
          break
        case 'hincrby':
          tx.hincrby(op.key, op.field, op.by)
          break
        case 'sadd':
          if (op.members.length > 0) tx.sadd(op.key, ...op.members)
          break
        case 'srem':
          if (op.members.length > 0) tx.srem(op.key, ...op.members)
          break
        case 'zadd':
          if (op.entries.length > 0) tx.zadd(op.key, ...op.entries.flatMap(([s, m]) => [scoreArg(s), m]))
          break
        case 'zrem':
          if (op.members.length > 0) tx.zrem(op.key, ...op.members)
          break
        case 'rpush':
          if (op.values.length > 0) tx.rpush(op.key, ...op.values)
          break
        case 'ltrim':
          tx.ltrim(op.key, op.start, op.stop)
          break
      }
    }
    await this.#run(async () => {
      const results = await tx.exec()
      if (!results) throw new Error('MULTI was discarded')
      const failed = results.find(([err]) => err)
      if (failed) throw failed[0]
    })
  }

  compareAndDelete(key: string, expected: string): Promise<boolean> {
    return this.#run(async () => (await this.#scripts.tavernCompareAndDelete(key, expected)) === 1)
  }

  compareAndExpire(key: string, expected: string, ttlMs: number): Promise<boolean> {
    return this.#run(async () => (await this.#scripts.tavernCompareAndExpire(key, expected, ms(ttlMs))) === 1)
  }

  hdelIfEquals(key: string, field: string, expected: string): Promise<boolean> {
    return this.#run(async () => (await this.#scripts.tavernHdelIfEquals(key, field, expected)) === 1)
  }

  async ping(): Promise<void> {
    await this.#run(() => this.client.ping())
  }

  async close(): Promise<void> {
    try {
      await this.client.quit()
    } catch {
      this.client.disconnect()
    }
  }
}

/** Deletes every key starting with `prefix` (test cleanup; SCAN patterns are not prefixed by iovalkey). */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<number> {
  const client = new Redis(url)
  client.on('error', () => {})
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`
    let cursor = '0'
    let n = 0
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
      cursor = next
      if (keys.length > 0) n += await client.unlink(...keys)
    } while (cursor !== '0')
    return n
  } finally {
    client.disconnect()
  }
}
