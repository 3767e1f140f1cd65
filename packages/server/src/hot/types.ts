/**
 * The hot store: Valkey/Redis in production, process memory when embedded. Values are strings (callers encode).
 * Both implementations pass one contract suite (`test/hot-store.contract.test.ts`).
 */
export type HotOp =
  | { op: 'set'; key: string; value: string; ttlMs?: number }
  | { op: 'del'; key: string }
  | { op: 'expire'; key: string; ttlMs: number }
  | { op: 'hset'; key: string; fields: Record<string, string> }
  | { op: 'hdel'; key: string; fields: string[] }
  | { op: 'hincrby'; key: string; field: string; by: number }
  | { op: 'sadd'; key: string; members: string[] }
  | { op: 'srem'; key: string; members: string[] }
  | { op: 'zadd'; key: string; entries: Array<[score: number, member: string]> }
  | { op: 'zrem'; key: string; members: string[] }
  | { op: 'rpush'; key: string; values: string[] }
  | { op: 'ltrim'; key: string; start: number; stop: number }

export interface HotStore {
  readonly kind: 'memory' | 'valkey'

  get(key: string): Promise<string | null>
  /** With `ifAbsent`, sets only when the key does not exist and returns whether it did. */
  set(key: string, value: string, opts?: { ttlMs?: number; ifAbsent?: boolean }): Promise<boolean>
  del(...keys: string[]): Promise<number>
  /** Increments an integer; a new key gets `ttlMs` if given (fixed-window counters). */
  incr(key: string, by?: number, ttlMs?: number): Promise<number>
  expire(key: string, ttlMs: number): Promise<boolean>
  /** Remaining time to live in ms; -1 without expiry, -2 when the key does not exist. */
  pttl(key: string): Promise<number>

  hget(key: string, field: string): Promise<string | null>
  hmget(key: string, fields: string[]): Promise<Array<string | null>>
  hgetall(key: string): Promise<Record<string, string>>
  hset(key: string, fields: Record<string, string>): Promise<void>
  hdel(key: string, ...fields: string[]): Promise<number>
  hincrby(key: string, field: string, by: number): Promise<number>

  sadd(key: string, ...members: string[]): Promise<number>
  srem(key: string, ...members: string[]): Promise<number>
  smembers(key: string): Promise<string[]>
  sismember(key: string, member: string): Promise<boolean>
  scard(key: string): Promise<number>

  zadd(key: string, entries: Array<[score: number, member: string]>): Promise<number>
  zrem(key: string, ...members: string[]): Promise<number>
  zscore(key: string, member: string): Promise<number | null>
  /** Members with min ≤ score ≤ max, ascending, as [member, score]. */
  zrangeByScore(key: string, min: number, max: number, limit?: number): Promise<Array<[string, number]>>
  zcard(key: string): Promise<number>

  rpush(key: string, ...values: string[]): Promise<number>
  lrange(key: string, start: number, stop: number): Promise<string[]>
  ltrim(key: string, start: number, stop: number): Promise<void>
  llen(key: string): Promise<number>

  /** Applies every op or none, in one round trip (MULTI/EXEC on Valkey). */
  multi(ops: HotOp[]): Promise<void>
  /** Deletes `key` only if its value is `expected` (lease release). */
  compareAndDelete(key: string, expected: string): Promise<boolean>
  /** Sets the expiry of `key` only if its value is `expected` (lease renewal). */
  compareAndExpire(key: string, expected: string, ttlMs: number): Promise<boolean>
  /** Deletes a hash field only if its value is `expected` (clearing a dirty mark that did not change). */
  hdelIfEquals(key: string, field: string, expected: string): Promise<boolean>

  /** Round-trip check for readiness. */
  ping(): Promise<void>
  close(): Promise<void>
}

/** Cross-process messages (Valkey pub/sub; an in-process emitter when embedded). Delivery is at most once. */
export interface Bus {
  publish(channel: string, message: unknown): Promise<void>
  /** Returns an unsubscribe function. Handlers never run synchronously inside `publish`. */
  subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}
