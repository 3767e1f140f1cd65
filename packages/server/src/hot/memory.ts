import { flat } from '../flat.ts'
import { assertInteger, validateHotOps } from './ops.ts'
import type { HotOp, HotStore } from './types.ts'

interface Types {
  string: string
  hash: Map<string, string>
  set: Set<string>
  zset: Map<string, number>
  list: string[]
}
type Kind = keyof Types
type Value = { [K in Kind]: { type: K; v: Types[K] } }[Kind]

interface Entry {
  value: Value
  /** Epoch ms; undefined when the key never expires. */
  expiresAt?: number
}

/** The data behind one or more memory stores; share it (with distinct prefixes) to mimic one Valkey in tests. */
export class MemoryKeyspace {
  readonly entries = new Map<string, Entry>()
}

export interface MemoryHotStoreOptions {
  /** Prepended to every key, like the Valkey store's key prefix. */
  prefix?: string
  /** Share one keyspace between several stores (several in-process kernels in a test). */
  keyspace?: MemoryKeyspace
  /** Called after every command with its duration, for metrics. */
  onCommand?: (ms: number, ok: boolean) => void
  /** Source of time for expiry; defaults to `Date.now`. */
  now?: () => number
  /** How often expired keys are swept, in ms; expiry is also checked on every read. */
  sweepMs?: number
}

function wrongType(): Error {
  return new Error('WRONGTYPE Operation against a key holding the wrong kind of value')
}

function notInteger(): Error {
  return new Error('ERR value is not an integer or out of range')
}

function parseInteger(s: string): number {
  if (!/^-?\d+$/.test(s)) throw notInteger()
  const n = Number(s)
  if (!Number.isSafeInteger(n)) throw notInteger()
  return n
}

/** Redis-style inclusive list indices, negative counting from the end, clamped to the list. */
function listRange(len: number, start: number, stop: number): [number, number] {
  const s = Math.max(start < 0 ? len + start : start, 0)
  const e = Math.min(stop < 0 ? len + stop : stop, len - 1)
  return [s, e]
}

/** The kind of value each structure op works on. */
const OP_KIND = {
  hset: 'hash',
  hdel: 'hash',
  sadd: 'set',
  srem: 'set',
  zadd: 'zset',
  zrem: 'zset',
  rpush: 'list',
  ltrim: 'list',
} as const satisfies Record<string, Kind>

function cloneEntry(e: Entry): Entry {
  const v = e.value
  const value: Value =
    v.type === 'string'
      ? { ...v }
      : v.type === 'hash'
        ? { type: 'hash', v: new Map(v.v) }
        : v.type === 'set'
          ? { type: 'set', v: new Set(v.v) }
          : v.type === 'zset'
            ? { type: 'zset', v: new Map(v.v) }
            : { type: 'list', v: [...v.v] }
  return { value, expiresAt: e.expiresAt }
}

/** The hot store in process memory (embedded mode and tests); same semantics as `ValkeyHotStore`. */
export class MemoryHotStore implements HotStore {
  readonly kind = 'memory' as const
  readonly #data: Map<string, Entry>
  readonly #prefix: string
  readonly #now: () => number
  readonly #onCommand: ((ms: number, ok: boolean) => void) | undefined
  #sweep: NodeJS.Timeout | undefined
  #closed = false

  constructor(opts: MemoryHotStoreOptions = {}) {
    this.#data = (opts.keyspace ?? new MemoryKeyspace()).entries
    this.#prefix = opts.prefix ?? ''
    this.#now = opts.now ?? Date.now
    this.#onCommand = opts.onCommand
    this.#sweep = setInterval(() => this.#sweepExpired(), opts.sweepMs ?? 1000)
    this.#sweep.unref()
  }

  #sweepExpired(): void {
    const now = this.#now()
    for (const [k, e] of this.#data) if (e.expiresAt !== undefined && e.expiresAt <= now) this.#data.delete(k)
  }

  /** Runs a command synchronously (which is what makes every command atomic) and reports its latency. */
  #run<T>(fn: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('The hot store is closed'))
    const t0 = performance.now()
    try {
      const r = fn()
      this.#onCommand?.(performance.now() - t0, true)
      return Promise.resolve(r)
    } catch (err) {
      this.#onCommand?.(performance.now() - t0, false)
      return Promise.reject(err)
    }
  }

  #entry(key: string): Entry | undefined {
    const k = this.#prefix + key
    const e = this.#data.get(k)
    if (e?.expiresAt !== undefined && e.expiresAt <= this.#now()) {
      this.#data.delete(k)
      return undefined
    }
    return e
  }

  #get<K extends Kind>(key: string, type: K): Types[K] | undefined {
    const e = this.#entry(key)
    if (!e) return undefined
    if (e.value.type !== type) throw wrongType()
    return e.value.v as Types[K]
  }

  #getOrCreate<K extends Kind>(key: string, type: K, make: () => Types[K]): Types[K] {
    const existing = this.#get(key, type)
    if (existing !== undefined) return existing
    const v = make()
    this.#data.set(this.#prefix + key, { value: { type, v } as Value })
    return v
  }

  /** Redis deletes a collection when its last element goes. */
  #dropIfEmpty(key: string, size: number): void {
    if (size === 0) this.#data.delete(this.#prefix + key)
  }

  #del(keys: string[]): number {
    let n = 0
    for (const key of keys) if (this.#entry(key) && this.#data.delete(this.#prefix + key)) n++
    return n
  }

  #set(key: string, value: string, ttlMs?: number): void {
    if (ttlMs !== undefined && !(ttlMs > 0)) throw new Error('ERR invalid expire time in set')
    const e: Entry = { value: { type: 'string', v: flat(value) } }
    if (ttlMs !== undefined) e.expiresAt = this.#now() + ttlMs
    this.#data.set(this.#prefix + key, e)
  }

  #expire(key: string, ttlMs: number): boolean {
    const e = this.#entry(key)
    if (!e) return false
    if (ttlMs <= 0) this.#data.delete(this.#prefix + key)
    else e.expiresAt = this.#now() + ttlMs
    return true
  }

  #hset(key: string, fields: Record<string, string>): void {
    const entries = Object.entries(fields)
    if (entries.length === 0) return
    const h = this.#getOrCreate(key, 'hash', () => new Map())
    for (const [f, v] of entries) h.set(f, flat(v))
  }

  #hdel(key: string, fields: string[]): number {
    const h = this.#get(key, 'hash')
    if (!h) return 0
    let n = 0
    for (const f of fields) if (h.delete(f)) n++
    this.#dropIfEmpty(key, h.size)
    return n
  }

  #hincrby(key: string, field: string, by: number): number {
    assertInteger(by)
    const h = this.#getOrCreate(key, 'hash', () => new Map())
    const cur = h.get(field)
    const n = (cur === undefined ? 0 : parseInteger(cur)) + by
    h.set(field, String(n))
    return n
  }

  #sadd(key: string, members: string[]): number {
    if (members.length === 0) return 0
    const s = this.#getOrCreate(key, 'set', () => new Set())
    let n = 0
    for (const m of members) if (!s.has(m) && s.add(m)) n++
    return n
  }

  #srem(key: string, members: string[]): number {
    const s = this.#get(key, 'set')
    if (!s) return 0
    let n = 0
    for (const m of members) if (s.delete(m)) n++
    this.#dropIfEmpty(key, s.size)
    return n
  }

  #zadd(key: string, entries: Array<[number, string]>): number {
    if (entries.length === 0) return 0
    const z = this.#getOrCreate(key, 'zset', () => new Map())
    let n = 0
    for (const [score, member] of entries) {
      if (Number.isNaN(score)) throw new Error('ERR value is not a valid float')
      if (!z.has(member)) n++
      z.set(member, score)
    }
    return n
  }

  #zrem(key: string, members: string[]): number {
    const z = this.#get(key, 'zset')
    if (!z) return 0
    let n = 0
    for (const m of members) if (z.delete(m)) n++
    this.#dropIfEmpty(key, z.size)
    return n
  }

  #rpush(key: string, values: string[]): number {
    if (values.length === 0) return this.#get(key, 'list')?.length ?? 0
    const l = this.#getOrCreate(key, 'list', () => [])
    for (const v of values) l.push(flat(v))
    return l.length
  }

  #ltrim(key: string, start: number, stop: number): void {
    const l = this.#get(key, 'list')
    if (!l) return
    const [s, e] = listRange(l.length, start, stop)
    const kept = s > e ? [] : l.slice(s, e + 1)
    l.splice(0, l.length, ...kept)
    this.#dropIfEmpty(key, l.length)
  }

  #apply(op: HotOp): void {
    switch (op.op) {
      case 'set':
        this.#set(op.key, op.value, op.ttlMs)
        break
      case 'del':
        this.#del([op.key])
        break
      case 'expire':
        this.#expire(op.key, op.ttlMs)
        break
      case 'hset':
        this.#hset(op.key, op.fields)
        break
      case 'hdel':
        this.#hdel(op.key, op.fields)
        break
      case 'hincrby':
        this.#hincrby(op.key, op.field, op.by)
        break
      case 'sadd':
        this.#sadd(op.key, op.members)
        break
      case 'srem':
        this.#srem(op.key, op.members)
        break
      case 'zadd':
        this.#zadd(op.key, op.entries)
        break
      case 'zrem':
        this.#zrem(op.key, op.members)
        break
      case 'rpush':
        this.#rpush(op.key, op.values)
        break
      case 'ltrim':
        this.#ltrim(op.key, op.start, op.stop)
        break
    }
  }

  get(key: string): Promise<string | null> {
    return this.#run(() => this.#get(key, 'string') ?? null)
  }

  set(key: string, value: string, opts: { ttlMs?: number; ifAbsent?: boolean } = {}): Promise<boolean> {
    return this.#run(() => {
      if (opts.ifAbsent && this.#entry(key)) return false
      this.#set(key, value, opts.ttlMs)
      return true
    })
  }

  del(...keys: string[]): Promise<number> {
    return this.#run(() => this.#del(keys))
  }

  incr(key: string, by = 1, ttlMs?: number): Promise<number> {
    return this.#run(() => {
      assertInteger(by)
      const e = this.#entry(key)
      if (e && e.value.type !== 'string') throw wrongType()
      const n = (e ? parseInteger(e.value.v as string) : 0) + by
      if (e) e.value = { type: 'string', v: String(n) }
      else this.#set(key, String(n), ttlMs)
      return n
    })
  }

  expire(key: string, ttlMs: number): Promise<boolean> {
    return this.#run(() => this.#expire(key, ttlMs))
  }

  pttl(key: string): Promise<number> {
    return this.#run(() => {
      const e = this.#entry(key)
      if (!e) return -2
      return e.expiresAt === undefined ? -1 : Math.max(0, e.expiresAt - this.#now())
    })
  }

  hget(key: string, field: string): Promise<string | null> {
    return this.#run(() => this.#get(key, 'hash')?.get(field) ?? null)
  }

  hmget(key: string, fields: string[]): Promise<Array<string | null>> {
    return this.#run(() => {
      const h = this.#get(key, 'hash')
      return fields.map((f) => h?.get(f) ?? null)
    })
  }

  hgetall(key: string): Promise<Record<string, string>> {
    return this.#run(() => Object.fromEntries(this.#get(key, 'hash') ?? []))
  }

  hset(key: string, fields: Record<string, string>): Promise<void> {
    return this.#run(() => this.#hset(key, fields))
  }

  hdel(key: string, ...fields: string[]): Promise<number> {
    return this.#run(() => this.#hdel(key, fields))
  }

  hincrby(key: string, field: string, by: number): Promise<number> {
    return this.#run(() => this.#hincrby(key, field, by))
  }

  sadd(key: string, ...members: string[]): Promise<number> {
    return this.#run(() => this.#sadd(key, members))
  }

  srem(key: string, ...members: string[]): Promise<number> {
    return this.#run(() => this.#srem(key, members))
  }

  smembers(key: string): Promise<string[]> {
    return this.#run(() => [...(this.#get(key, 'set') ?? [])])
  }

  sismember(key: string, member: string): Promise<boolean> {
    return this.#run(() => this.#get(key, 'set')?.has(member) ?? false)
  }

  scard(key: string): Promise<number> {
    return this.#run(() => this.#get(key, 'set')?.size ?? 0)
  }

  zadd(key: string, entries: Array<[score: number, member: string]>): Promise<number> {
    return this.#run(() => this.#zadd(key, entries))
  }

  zrem(key: string, ...members: string[]): Promise<number> {
    return this.#run(() => this.#zrem(key, members))
  }

  zscore(key: string, member: string): Promise<number | null> {
    return this.#run(() => this.#get(key, 'zset')?.get(member) ?? null)
  }

  zrangeByScore(key: string, min: number, max: number, limit?: number): Promise<Array<[string, number]>> {
    return this.#run(() => {
      const z = this.#get(key, 'zset')
      if (!z) return []
      const out: Array<[string, number]> = []
      for (const [m, s] of z) if (s >= min && s <= max) out.push([m, s])
      // Valkey orders equal scores by member, bytewise.
      out.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      return limit === undefined ? out : out.slice(0, Math.max(0, limit))
    })
  }

  zcard(key: string): Promise<number> {
    return this.#run(() => this.#get(key, 'zset')?.size ?? 0)
  }

  rpush(key: string, ...values: string[]): Promise<number> {
    return this.#run(() => this.#rpush(key, values))
  }

  lrange(key: string, start: number, stop: number): Promise<string[]> {
    return this.#run(() => {
      const l = this.#get(key, 'list')
      if (!l) return []
      const [s, e] = listRange(l.length, start, stop)
      return s > e ? [] : l.slice(s, e + 1)
    })
  }

  ltrim(key: string, start: number, stop: number): Promise<void> {
    return this.#run(() => this.#ltrim(key, start, stop))
  }

  llen(key: string): Promise<number> {
    return this.#run(() => this.#get(key, 'list')?.length ?? 0)
  }

  multi(ops: HotOp[]): Promise<void> {
    return this.#run(() => {
      validateHotOps(ops)
      if (this.#cannotFail(ops)) {
        for (const op of ops) this.#apply(op)
        return
      }
      // Snapshot the touched keys so a failing op leaves nothing applied. A list only appended to is undone by
      // truncation: copying a long journal list on every write batch would make each batch cost O(list).
      const appendOnly = new Map<string, boolean>()
      for (const op of ops) appendOnly.set(op.key, (appendOnly.get(op.key) ?? true) && op.op === 'rpush')
      const saved = new Map<string, Entry | undefined>()
      const lengths = new Map<string, number>()
      for (const op of ops) {
        if (saved.has(op.key)) continue
        const e = this.#entry(op.key)
        if (e?.value.type === 'list' && appendOnly.get(op.key)) lengths.set(op.key, e.value.v.length)
        saved.set(op.key, e && (lengths.has(op.key) ? e : cloneEntry(e)))
      }
      try {
        for (const op of ops) this.#apply(op)
      } catch (err) {
        for (const [key, e] of saved) {
          const length = lengths.get(key)
          if (e && length !== undefined) (e.value.v as string[]).length = length
          if (e) this.#data.set(this.#prefix + key, e)
          else this.#data.delete(this.#prefix + key)
        }
        throw err
      }
    })
  }

  /**
   * Whether every op of a multi will apply — each key holds (or will hold, after the ops before it) the type the op
   * wants, and no increment is involved — so the batch needs no snapshot. The usual write-behind batch (values,
   * dirty marks, journal appends) passes, and skips copying a dirty-mark hash of every pending id each time.
   */
  #cannotFail(ops: HotOp[]): boolean {
    const types = new Map<string, Kind | null>()
    for (const op of ops) {
      if (op.op === 'hincrby') return false
      if (op.op === 'expire') continue
      if (op.op === 'del' || op.op === 'set') {
        types.set(op.key, op.op === 'set' ? 'string' : null)
        continue
      }
      const want = OP_KIND[op.op]
      const has = types.has(op.key) ? types.get(op.key) : (this.#entry(op.key)?.value.type ?? null)
      if (has !== null && has !== want) return false
      types.set(op.key, want)
    }
    return true
  }

  compareAndDelete(key: string, expected: string): Promise<boolean> {
    return this.#run(() => {
      if (this.#get(key, 'string') !== expected) return false
      return this.#del([key]) === 1
    })
  }

  compareAndExpire(key: string, expected: string, ttlMs: number): Promise<boolean> {
    return this.#run(() => this.#get(key, 'string') === expected && this.#expire(key, ttlMs))
  }

  hdelIfEquals(key: string, field: string, expected: string): Promise<boolean> {
    return this.#run(() => this.#get(key, 'hash')?.get(field) === expected && this.#hdel(key, [field]) === 1)
  }

  ping(): Promise<void> {
    return this.#run(() => undefined)
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#sweep)
    this.#sweep = undefined
  }

  /** Keys currently held under this store's prefix (tests and cleanup). */
  keys(): string[] {
    const out: string[] = []
    for (const k of this.#data.keys())
      if (k.startsWith(this.#prefix) && this.#entry(k.slice(this.#prefix.length)))
        out.push(k.slice(this.#prefix.length))
    return out
  }
}
