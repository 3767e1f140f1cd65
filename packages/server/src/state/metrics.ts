import type { Registry } from 'prom-client'
import { Counter, Gauge, Histogram } from 'prom-client'

/** What the state layer reports. Pass these callbacks, or a prom-client Registry to get Prometheus metrics. */
export interface StateMetricsHooks {
  /** One committed save transaction. `journal` tells journals from state kinds. */
  flushed?(e: { kind: string; journal: boolean; rows: number; durationMs: number }): void
  /** A save (or the reads around it) failed; nothing was cleared. */
  failed?(e: { kind: string; journal: boolean; error: unknown }): void
  /** Dirty values (or journal rows) waiting, seen at the start of a full flush of the kind. */
  pending?(e: { kind: string; journal: boolean; count: number }): void
  /** One hot-store round trip carrying `puts` coalesced puts and `appends` journal rows. */
  batched?(e: { puts: number; appends: number }): void
}

/** Turns the `metrics` option into hooks; a Registry gets (or reuses) the `tavern_state_*` metrics. */
export function stateMetricsHooks(metrics: Registry | StateMetricsHooks | undefined): StateMetricsHooks {
  if (!metrics) return {}
  if (!isRegistry(metrics)) return metrics
  const reg = metrics
  const labelNames = ['kind', 'type'] as const
  const rows = reuse(
    reg,
    'tavern_state_flush_rows',
    () =>
      new Histogram({
        name: 'tavern_state_flush_rows',
        help: 'Rows written per state-layer save transaction',
        labelNames,
        buckets: [1, 10, 50, 100, 500, 1000, 5000],
        registers: [reg],
      }),
  )
  const duration = reuse(
    reg,
    'tavern_state_flush_duration_seconds',
    () =>
      new Histogram({
        name: 'tavern_state_flush_duration_seconds',
        help: 'Duration of one state-layer save transaction, reads and mark clearing included',
        labelNames,
        buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [reg],
      }),
  )
  const failures = reuse(
    reg,
    'tavern_state_flush_failures_total',
    () =>
      new Counter({
        name: 'tavern_state_flush_failures_total',
        help: 'State-layer flushes that failed and will be retried',
        labelNames,
        registers: [reg],
      }),
  )
  const pending = reuse(
    reg,
    'tavern_state_dirty',
    () =>
      new Gauge({
        name: 'tavern_state_dirty',
        help: 'Dirty values or journal rows waiting for the durable store, as seen by the last full flush',
        labelNames,
        registers: [reg],
      }),
  )
  const batch = reuse(
    reg,
    'tavern_state_hot_batch_size',
    () =>
      new Histogram({
        name: 'tavern_state_hot_batch_size',
        help: 'Puts and journal appends coalesced into one hot-store round trip',
        buckets: [1, 5, 20, 100, 500, 2000, 10000],
        registers: [reg],
      }),
  )
  const type = (journal: boolean): string => (journal ? 'journal' : 'state')
  return {
    flushed: (e) => {
      rows.observe({ kind: e.kind, type: type(e.journal) }, e.rows)
      duration.observe({ kind: e.kind, type: type(e.journal) }, e.durationMs / 1000)
    },
    failed: (e) => failures.inc({ kind: e.kind, type: type(e.journal) }),
    pending: (e) => pending.set({ kind: e.kind, type: type(e.journal) }, e.count),
    batched: (e) => batch.observe(e.puts + e.appends),
  }
}

function isRegistry(m: Registry | StateMetricsHooks): m is Registry {
  return (
    typeof (m as Registry).registerMetric === 'function' &&
    typeof (m as Registry).getSingleMetric === 'function'
  )
}

/** Two layers (or schedulers) may share one Registry; registering a name twice would throw. */
export function reuse<M>(reg: Registry, name: string, make: () => M): M {
  return (reg.getSingleMetric(name) as M | undefined) ?? make()
}
