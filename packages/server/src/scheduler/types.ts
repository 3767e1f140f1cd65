import type { Sql } from '../storage/sql.ts'

/** A durable timed event as stored in `tavern_timed_events`. */
export interface TimedEvent {
  readonly id: number
  /** `<module>.<event>`, e.g. `empire.building_complete`. */
  readonly kind: string
  /** Optional idempotency key: scheduling the same (kind, key) twice keeps one event. */
  readonly key: string | null
  readonly runAt: number
  readonly payload: unknown
  readonly attempts: number
}

/** What a tick loop measured so far (also exported as Prometheus metrics when a Registry is given). */
export interface TickStats {
  /** Ticks run. */
  ticks: number
  /** Ticks skipped because the loop fell a whole period or more behind. */
  skipped: number
  /** Ticks whose function threw or rejected (the loop keeps going). */
  errors: number
  lastDurationMs: number
  /** How late the last tick started after its deadline. */
  lastLagMs: number
  maxLagMs: number
}

export interface TickLoop {
  readonly name: string
  stats(): TickStats
  stop(): void
}

export interface Scheduler {
  /** Runs `fn` at a fixed rate; tick duration and lag are recorded as metrics. Overruns skip, never pile up. */
  every(
    name: string,
    hz: number,
    fn: (tick: { n: number; dtMs: number; now: number }) => void | Promise<void>,
  ): TickLoop
  /** Schedules a durable event. Inside a transaction pass `tx` so the event commits with the change. */
  at(kind: string, runAt: number, payload: unknown, opts?: { key?: string; tx?: Sql }): Promise<number>
  /** Cancels a pending event by (kind, key). Returns whether one was removed. */
  cancel(kind: string, key: string, tx?: Sql): Promise<boolean>
}
