import pino from 'pino'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../src/clock.ts'
import { createScheduler } from '../src/scheduler/scheduler.ts'
import { startTicker, type Ticker, type TickTimers } from '../src/scheduler/ticker.ts'
import type { Sql } from '../src/storage/sql.ts'

const log = pino({ level: 'silent' })

/** Timers we drive by hand: each timer fires `lateMs` after its due time, and a tick may "work" by advancing time. */
class HandTimers implements TickTimers {
  t = 0
  lateMs = 0
  private queue: Array<{ at: number; fn: () => void; id: number }> = []
  private nextId = 1
  now = (): number => this.t
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++
    this.queue.push({ at: this.t + ms, fn, id })
    return id
  }
  clearTimeout = (h: unknown): void => {
    this.queue = this.queue.filter((q) => q.id !== h)
  }
  /** Fires due timers in order until `until`, letting async ticks settle between them. */
  async runUntil(until: number): Promise<void> {
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at)
      const next = this.queue[0]
      if (!next || next.at + this.lateMs > until) break
      this.queue.shift()
      this.t = Math.max(this.t, next.at + this.lateMs)
      next.fn()
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
    }
    this.t = Math.max(this.t, until)
  }
}

let tickers: Ticker[] = []
afterEach(() => {
  for (const t of tickers) t.stop()
  tickers = []
})

function ticker(timers: HandTimers, hz: number, fn: Parameters<typeof startTicker>[0]['fn']): Ticker {
  const t = startTicker({ name: 'test', hz, fn, clock: new ManualClock(), log, timers })
  tickers.push(t)
  return t
}

describe('tick loop', () => {
  it('corrects drift: late timers do not lose ticks over time', async () => {
    const timers = new HandTimers()
    timers.lateMs = 4
    const seen: number[] = []
    const t = ticker(timers, 20, ({ n }) => {
      seen.push(n)
    })
    await timers.runUntil(10_010)
    // now + period scheduling would run 10000 / 54 ≈ 185 ticks; deadline chaining keeps the rate at 20 Hz.
    expect(t.stats().ticks).toBe(200)
    expect(t.stats().skipped).toBe(0)
    expect(t.stats().lastLagMs).toBe(4)
    expect(seen.slice(0, 3)).toEqual([1, 2, 3])
  })

  it('skips missed ticks after an overrun instead of running them back to back', async () => {
    const timers = new HandTimers()
    const starts: number[] = []
    const t = ticker(timers, 20, ({ n }) => {
      starts.push(timers.t)
      if (n === 3) timers.t += 120 // this tick takes 2.4 periods
    })
    await timers.runUntil(500)
    // Ticks due at 50, 100, 150 (overruns to 270), then 200 and 250 are both late: one runs at 270, one is skipped.
    expect(starts.slice(0, 5)).toEqual([50, 100, 150, 270, 300])
    expect(t.stats().skipped).toBe(1)
    // Lag is measured against the first missed deadline (200): it shows how far behind the loop was.
    expect(t.stats().maxLagMs).toBe(70)
    expect(t.stats().ticks).toBe(9)
  })

  it('counts every skipped period when a tick is very late', async () => {
    const timers = new HandTimers()
    const t = ticker(timers, 100, ({ n }) => {
      if (n === 1) timers.t += 1000
    })
    await timers.runUntil(1100)
    expect(t.stats().skipped).toBe(99)
    expect(t.stats().ticks).toBe(11)
  })

  it('never overlaps an async tick with the next one', async () => {
    const timers = new HandTimers()
    let active = 0
    let maxActive = 0
    const t = ticker(timers, 50, async () => {
      active++
      maxActive = Math.max(maxActive, active)
      await new Promise((r) => setImmediate(r))
      timers.t += 45 // async work that takes more than two periods in total
      await new Promise((r) => setImmediate(r))
      active--
    })
    await timers.runUntil(1000)
    expect(maxActive).toBe(1)
    expect(t.stats().ticks).toBeGreaterThan(10)
    expect(t.stats().skipped).toBeGreaterThan(10)
  })

  it('keeps running after a tick throws or rejects, and counts the errors', async () => {
    const timers = new HandTimers()
    const t = ticker(timers, 10, async ({ n }) => {
      if (n === 2) throw new Error('boom')
      if (n === 4) await Promise.reject(new Error('async boom'))
    })
    await timers.runUntil(1000)
    expect(t.stats().ticks).toBe(10)
    expect(t.stats().errors).toBe(2)
  })

  it('passes the nominal period and the game clock to the tick, and stop() stops it', async () => {
    const timers = new HandTimers()
    const clock = new ManualClock(5_000)
    const seen: Array<{ n: number; dtMs: number; now: number }> = []
    const t = startTicker({ name: 'x', hz: 4, clock, log, timers, fn: (tick) => void seen.push(tick) })
    await timers.runUntil(500)
    clock.advance(1)
    t.stop()
    await timers.runUntil(5000)
    expect(seen).toEqual([
      { n: 1, dtMs: 250, now: 5_000 },
      { n: 2, dtMs: 250, now: 5_000 },
    ])
  })

  it('rejects a rate outside (0, 1000] Hz', () => {
    expect(() => startTicker({ name: 'x', hz: 0, clock: new ManualClock(), log, fn: () => {} })).toThrow(
      RangeError,
    )
  })
})

describe('scheduler.every on real timers', () => {
  it('runs at about its rate and exports tick metrics', async () => {
    const registry = new Registry()
    const scheduler = createScheduler({
      sql: {} as Sql, // tick loops never touch the durable store
      clock: new ManualClock(),
      log,
      processId: 'p1',
      metrics: registry,
    })
    const loop = scheduler.every('world.sim', 50, () => {
      const until = performance.now() + 1
      while (performance.now() < until) {
        // a tick that takes about a millisecond
      }
    })
    await new Promise((r) => setTimeout(r, 600))
    await scheduler.stop()
    const ticks = loop.stats().ticks
    // 30 ticks nominal; a busy machine may be late (a stall of a few hundred ms under a parallel suite), never
    // early or piled up.
    expect(ticks).toBeGreaterThanOrEqual(15)
    expect(ticks).toBeLessThanOrEqual(31)
    const text = await registry.metrics()
    expect(text).toMatch(/tavern_tick_duration_seconds_count\{loop="world.sim"\} \d+/)
    expect(text).toContain('tavern_tick_lag_seconds_bucket')
    expect(text).toContain('tavern_tick_overruns_total')
    await new Promise((r) => setTimeout(r, 100))
    expect(loop.stats().ticks).toBe(ticks)
  })
})
