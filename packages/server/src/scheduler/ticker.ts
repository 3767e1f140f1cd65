import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import type { TickLoop, TickStats } from './types.ts'

export interface TickerOptions {
  readonly name: string
  readonly hz: number
  readonly fn: (tick: { n: number; dtMs: number; now: number }) => void | Promise<void>
  /** Game time handed to `fn` (`now`). Deadlines use monotonic time (`performance.now()`). */
  readonly clock: Clock
  readonly log: Logger
  /** Called after every tick with its duration and how late it started. */
  readonly onTick?: (e: { durationMs: number; lagMs: number }) => void
  /** Called when ticks were skipped because the loop fell a whole period or more behind. */
  readonly onSkip?: (skipped: number) => void
  /** Monotonic time and timers; tests pass their own to make lateness and overruns deterministic. */
  readonly timers?: TickTimers
}

export interface TickTimers {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const realTimers: TickTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
}

export interface Ticker extends TickLoop {
  /** Resolves once the tick in progress (if any) has finished; after `stop()`, nothing runs again. */
  idle(): Promise<void>
}

/**
 * A fixed-rate loop on setTimeout with drift correction: each deadline is the previous one plus the period, so
 * timer lateness does not accumulate. A tick that starts a whole period or more late skips the ticks it missed
 * (counted) instead of running them back to back. The next tick is scheduled only after an async tick settles, so
 * a loop never overlaps itself.
 */
export function startTicker(opts: TickerOptions): Ticker {
  if (!(opts.hz > 0 && opts.hz <= 1000)) throw new RangeError(`tick rate must be in (0, 1000] Hz: ${opts.hz}`)
  const period = 1000 / opts.hz
  const t = opts.timers ?? realTimers
  const stats: TickStats = { ticks: 0, skipped: 0, errors: 0, lastDurationMs: 0, lastLagMs: 0, maxLagMs: 0 }
  let deadline = t.now() + period
  let timer: unknown
  let running: Promise<void> | undefined
  let stopped = false

  const schedule = (): void => {
    if (stopped) return
    timer = t.setTimeout(tick, Math.max(0, deadline - t.now()))
  }

  const tick = (): void => {
    const start = t.now()
    const lagMs = Math.max(0, start - deadline)
    const missed = Math.floor(lagMs / period)
    if (missed > 0) {
      deadline += missed * period
      stats.skipped += missed
      opts.onSkip?.(missed)
    }
    stats.ticks++
    const finish = (): void => {
      const durationMs = t.now() - start
      stats.lastDurationMs = durationMs
      stats.lastLagMs = lagMs
      stats.maxLagMs = Math.max(stats.maxLagMs, lagMs)
      opts.onTick?.({ durationMs, lagMs })
      deadline += period
      running = undefined
      schedule()
    }
    const failed = (err: unknown): void => {
      stats.errors++
      opts.log.error({ err, loop: opts.name, tick: stats.ticks }, 'tick failed')
    }
    let result: unknown
    try {
      result = opts.fn({ n: stats.ticks, dtMs: period, now: opts.clock.now() })
    } catch (err) {
      failed(err)
    }
    if (isPromiseLike(result)) {
      running = Promise.resolve(result)
        .then(() => undefined, failed)
        .finally(finish)
    } else {
      finish()
    }
  }

  schedule()
  return {
    name: opts.name,
    stats: () => ({ ...stats }),
    stop() {
      stopped = true
      if (timer !== undefined) t.clearTimeout(timer)
    },
    idle: async () => {
      await running
    },
  }
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | undefined)?.then === 'function'
}
