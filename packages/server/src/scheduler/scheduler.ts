import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { Counter, Histogram } from 'prom-client'
import type { Clock } from '../clock.ts'
import { reuse } from '../state/metrics.ts'
import type { Sql } from '../storage/sql.ts'
import { startTicker, type Ticker } from './ticker.ts'
import { type TimedEventHandler, type TimedEventOutcome, TimedEvents } from './timed-events.ts'
import type { Scheduler, TickLoop } from './types.ts'

/** What the scheduler reports. Pass these callbacks, or a prom-client Registry to get Prometheus metrics. */
export interface SchedulerMetricsHooks {
  tick?(e: { loop: string; durationMs: number; lagMs: number }): void
  skipped?(e: { loop: string; count: number }): void
  event?(e: { kind: string; outcome: TimedEventOutcome; delayMs: number }): void
}

export interface SchedulerOptions {
  readonly sql: Sql
  /** Game time: what is due, and `now` in ticks. */
  readonly clock: Clock
  readonly log: Logger
  readonly processId: string
  /** Timed-event poll period (default 250 ms). */
  readonly pollMs?: number
  readonly handlers?: Readonly<Record<string, TimedEventHandler>>
  readonly batchSize?: number
  readonly maxAttempts?: number
  readonly backoffBaseMs?: number
  readonly backoffMaxMs?: number
  /** How often to look for due events nobody here handles, to log them once (default 60 s). */
  readonly unhandledCheckMs?: number
  readonly metrics?: Registry | SchedulerMetricsHooks
}

/** The scheduler with its lifecycle and handler registration, as the kernel holds it. */
export interface SchedulerRuntime extends Scheduler {
  /** Registers the handler of a timed-event kind (the kernel does this for each module's `scheduled`). */
  on(kind: string, handler: TimedEventHandler): void
  /** Starts polling for due events. Tick loops run from `every()` on, started or not. */
  start(): void
  /** Stops polling and every tick loop, and waits for the poll and ticks in progress. */
  stop(): Promise<void>
  /** One poll now, draining everything due; for tests and for shutdown hooks. Returns events claimed. */
  runDue(): Promise<number>
}

/** Builds the scheduler: fixed-rate tick loops and durable, exactly-once timed events. */
export function createScheduler(opts: SchedulerOptions): SchedulerRuntime {
  const log = opts.log.child({ processId: opts.processId })
  const metrics = schedulerMetricsHooks(opts.metrics)
  const events = new TimedEvents({
    sql: opts.sql,
    clock: opts.clock,
    log,
    handlers: opts.handlers,
    batchSize: opts.batchSize,
    maxAttempts: opts.maxAttempts,
    backoffBaseMs: opts.backoffBaseMs,
    backoffMaxMs: opts.backoffMaxMs,
    onEvent: (e) => metrics.event?.(e),
  })
  const pollMs = opts.pollMs ?? 250
  const unhandledCheckMs = opts.unhandledCheckMs ?? 60_000
  const loops = new Set<Ticker>()
  let timer: NodeJS.Timeout | undefined
  let polling: Promise<unknown> | undefined
  let running = false
  let lastUnhandledCheck = Number.NEGATIVE_INFINITY

  const poll = async (): Promise<void> => {
    try {
      await events.drain(() => !running)
      if (performance.now() - lastUnhandledCheck >= unhandledCheckMs) {
        lastUnhandledCheck = performance.now()
        await events.reportUnhandled()
      }
    } catch (err) {
      log.error({ err }, 'timed-event poll failed; will retry')
    }
  }

  const schedule = (): void => {
    if (!running) return
    timer = setTimeout(() => {
      polling = poll().finally(() => {
        polling = undefined
        schedule()
      })
    }, pollMs)
    timer.unref()
  }

  return {
    every(name: string, hz: number, fn) {
      const ticker = startTicker({
        name,
        hz,
        fn,
        clock: opts.clock,
        log,
        onTick: (e) => metrics.tick?.({ loop: name, ...e }),
        onSkip: (count) => metrics.skipped?.({ loop: name, count }),
      })
      loops.add(ticker)
      const loop: TickLoop = {
        name,
        stats: () => ticker.stats(),
        stop: () => {
          ticker.stop()
          loops.delete(ticker)
        },
      }
      return loop
    },
    at: (kind, runAt, payload, o) => events.at(kind, runAt, payload, o),
    cancel: (kind, key, tx) => events.cancel(kind, key, tx),
    on: (kind, handler) => events.on(kind, handler),
    start() {
      if (running) return
      running = true
      schedule()
    },
    async stop() {
      running = false
      if (timer) clearTimeout(timer)
      const stopping = [...loops]
      for (const t of stopping) t.stop()
      loops.clear()
      await Promise.all([polling, ...stopping.map((t) => t.idle())])
    },
    runDue: () => events.drain(),
  }
}

function schedulerMetricsHooks(metrics: Registry | SchedulerMetricsHooks | undefined): SchedulerMetricsHooks {
  if (!metrics) return {}
  if (typeof (metrics as Registry).getSingleMetric !== 'function') return metrics as SchedulerMetricsHooks
  const reg = metrics as Registry
  const duration = reuse(
    reg,
    'tavern_tick_duration_seconds',
    () =>
      new Histogram({
        name: 'tavern_tick_duration_seconds',
        help: 'Time spent in one tick of a fixed-rate loop',
        labelNames: ['loop'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
        registers: [reg],
      }),
  )
  const lag = reuse(
    reg,
    'tavern_tick_lag_seconds',
    () =>
      new Histogram({
        name: 'tavern_tick_lag_seconds',
        help: 'How late a tick started after its deadline',
        labelNames: ['loop'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
        registers: [reg],
      }),
  )
  const overruns = reuse(
    reg,
    'tavern_tick_overruns_total',
    () =>
      new Counter({
        name: 'tavern_tick_overruns_total',
        help: 'Ticks skipped because a loop fell a whole period or more behind',
        labelNames: ['loop'],
        registers: [reg],
      }),
  )
  const outcomes = reuse(
    reg,
    'tavern_timed_events_total',
    () =>
      new Counter({
        name: 'tavern_timed_events_total',
        help: 'Timed events run, by kind and outcome (done, retry, dead)',
        labelNames: ['kind', 'outcome'],
        registers: [reg],
      }),
  )
  const delay = reuse(
    reg,
    'tavern_timed_event_delay_seconds',
    () =>
      new Histogram({
        name: 'tavern_timed_event_delay_seconds',
        help: 'How long after its run_at a timed event ran',
        labelNames: ['kind'],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30, 300],
        registers: [reg],
      }),
  )
  return {
    tick: (e) => {
      duration.observe({ loop: e.loop }, e.durationMs / 1000)
      lag.observe({ loop: e.loop }, e.lagMs / 1000)
    },
    skipped: (e) => overruns.inc({ loop: e.loop }, e.count),
    event: (e) => {
      outcomes.inc({ kind: e.kind, outcome: e.outcome })
      if (e.outcome === 'done') delay.observe({ kind: e.kind }, Math.max(0, e.delayMs) / 1000)
    },
  }
}
