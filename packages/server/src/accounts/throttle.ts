import type { HotStore } from '../hot/types.ts'

/** One fixed-window counter: at most `limit` hits per `windowMs`. */
export interface Limit {
  key: string
  limit: number
  windowMs: number
}

/**
 * Fixed-window counters in the hot store, shared by every process. Used against password guessing, so a
 * counter only needs to be roughly right under concurrency, never exact.
 */
export class Throttle {
  constructor(
    private readonly hot: HotStore,
    private readonly prefix = 'accounts:throttle:',
  ) {}

  /** Milliseconds until the first exhausted limit resets, or null when none is exhausted. */
  async blocked(limits: readonly Limit[]): Promise<number | null> {
    let wait: number | null = null
    for (const l of limits) {
      const count = Number((await this.hot.get(this.prefix + l.key)) ?? 0)
      if (count < l.limit) continue
      const ms = await this.retryAfter(l)
      wait = Math.max(wait ?? 0, ms)
    }
    return wait
  }

  /** Counts one hit on every limit; returns the wait (ms) if a limit is now exceeded, else null. */
  async hit(limits: readonly Limit[]): Promise<number | null> {
    let wait: number | null = null
    for (const l of limits) {
      const count = await this.hot.incr(this.prefix + l.key, 1, l.windowMs)
      if (count <= l.limit) continue
      wait = Math.max(wait ?? 0, await this.retryAfter(l))
    }
    return wait
  }

  /** Forgets the counters (a successful login clears its username+ip counter). */
  async clear(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.hot.del(...keys.map((k) => this.prefix + k))
  }

  private async retryAfter(l: Limit): Promise<number> {
    const ttl = await this.hot.pttl(this.prefix + l.key)
    if (ttl === -2) return 1
    // A counter that lost its expiry would block forever; give it one again.
    if (ttl < 0) {
      await this.hot.expire(this.prefix + l.key, l.windowMs)
      return l.windowMs
    }
    return Math.max(1, ttl)
  }
}
