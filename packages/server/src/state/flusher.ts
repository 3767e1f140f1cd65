import type { Logger } from 'pino'
import type { HotStore } from '../hot/types.ts'
import { bulkInsertJson } from '../storage/bulk.ts'
import type { Sql } from '../storage/sql.ts'
import { currentTx } from '../storage/tx-context.ts'
import { acquireLease, type Lease, tryAcquireLease } from './lease.ts'
import type { StateMetricsHooks } from './metrics.ts'
import type { JournalSpec, StateKindSpec } from './types.ts'

/** Hot-store key names; one place, so tools and tests agree. */
export const stateKeys = {
  value: (kind: string, id: string) => `state:${kind}:${id}`,
  dirty: (kind: string) => `dirty:${kind}`,
  journal: (kind: string) => `journal:${kind}`,
  stateLease: (kind: string) => `lease:flush:state:${kind}`,
  journalLease: (kind: string) => `lease:flush:journal:${kind}`,
}

/** A flush could not run or did not complete; whatever it did not write stays dirty. */
export class StateFlushError extends Error {
  constructor(
    readonly kind: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${kind}: ${message}`, options)
    this.name = 'StateFlushError'
  }
}

export interface FlushContext {
  readonly hot: HotStore
  readonly sql: Sql
  readonly log: Logger
  readonly processId: string
  readonly metrics: StateMetricsHooks
  readonly batchSize: number
  readonly leaseTtlMs: number
  readonly leaseWaitMs: number
}

/** `try` skips a kind whose lease is taken (the periodic round); `wait` waits for it or throws. */
export type FlushMode = 'try' | 'wait'

/**
 * Writes dirty values of one kind to the durable store, under the kind's lease. Marks are read before values, so a
 * value saved is at least as new as the mark it clears; a put that lands meanwhile changes the mark and the
 * compare-and-delete leaves it dirty. Returns the number of rows saved, or null when the lease was taken.
 */
export async function flushStateKind(
  ctx: FlushContext,
  spec: StateKindSpec<unknown>,
  mode: FlushMode,
  ids?: readonly string[],
): Promise<number | null> {
  const dirtyKey = stateKeys.dirty(spec.kind)
  if (ids && ids.length === 0) return 0
  return underLease(ctx, spec.kind, stateKeys.stateLease(spec.kind), mode, false, async (lease) => {
    let marks: Array<[string, string]>
    if (ids) {
      const versions = await ctx.hot.hmget(dirtyKey, [...ids])
      marks = []
      ids.forEach((id, i) => {
        const v = versions[i]
        if (v !== null && v !== undefined) marks.push([id, v])
      })
    } else {
      marks = Object.entries(await ctx.hot.hgetall(dirtyKey))
      ctx.metrics.pending?.({ kind: spec.kind, journal: false, count: marks.length })
    }
    let saved = 0
    for (let i = 0; i < marks.length; i += ctx.batchSize) {
      const chunk = marks.slice(i, i + ctx.batchSize)
      const started = performance.now()
      const raws = await Promise.all(chunk.map(([id]) => ctx.hot.get(stateKeys.value(spec.kind, id))))
      const rows: Array<{ id: string; value: unknown }> = []
      const clear: Array<[string, string]> = []
      chunk.forEach(([id, version], j) => {
        const raw = raws[j]
        if (raw === null || raw === undefined) {
          // Nothing left to save (deleted by hand?); the mark alone would be retried forever.
          ctx.log.warn({ kind: spec.kind, id }, 'dirty mark without a hot value; clearing it')
          clear.push([id, version])
          return
        }
        try {
          rows.push({ id, value: JSON.parse(raw) })
          clear.push([id, version])
        } catch (err) {
          ctx.log.error({ kind: spec.kind, id, err }, 'hot value is not valid JSON; left dirty')
        }
      })
      if (rows.length > 0) {
        await ctx.sql.transaction(async (tx) => {
          await spec.save(rows, tx)
          await assertHeld(lease, spec.kind)
        })
      }
      await Promise.all(clear.map(([id, version]) => ctx.hot.hdelIfEquals(dirtyKey, id, version)))
      saved += rows.length
      ctx.metrics.flushed?.({
        kind: spec.kind,
        journal: false,
        rows: rows.length,
        durationMs: performance.now() - started,
      })
      await yieldToEventLoop()
    }
    return saved
  })
}

/**
 * Moves journal rows from the hot list to the durable store: read the head, save it in one transaction, then trim
 * exactly what was saved. A crash between commit and trim re-reads the same rows next time; `save` ignores rows it
 * already has (unique ids, ON CONFLICT DO NOTHING), so each row lands once.
 */
export async function flushJournal(
  ctx: FlushContext,
  spec: JournalSpec<unknown>,
  mode: FlushMode,
): Promise<number | null> {
  const key = stateKeys.journal(spec.kind)
  return underLease(ctx, spec.kind, stateKeys.journalLease(spec.kind), mode, true, async (lease) => {
    // Bounded by what was there at the start, so a steady stream of appends cannot keep one flush running forever.
    const waiting = await ctx.hot.llen(key)
    ctx.metrics.pending?.({ kind: spec.kind, journal: true, count: waiting })
    let saved = 0
    while (saved < waiting) {
      const started = performance.now()
      const raws = await ctx.hot.lrange(key, 0, Math.min(ctx.batchSize, waiting - saved) - 1)
      if (raws.length === 0) break
      await ctx.sql.transaction(async (tx) => {
        await saveJournalRows(spec, raws, tx)
        await assertHeld(lease, spec.kind)
      })
      await ctx.hot.ltrim(key, raws.length, -1)
      saved += raws.length
      ctx.metrics.flushed?.({
        kind: spec.kind,
        journal: true,
        rows: raws.length,
        durationMs: performance.now() - started,
      })
      await yieldToEventLoop()
    }
    return saved
  })
}

/** A journal batch as kept in the hot store: its table reads the JSON text, or its own `save` gets it decoded. */
async function saveJournalRows(spec: JournalSpec<unknown>, raws: string[], tx: Sql): Promise<void> {
  if ('table' in spec) {
    await bulkInsertJson(tx, { table: spec.table.name, columns: spec.table.columns, rows: raws })
  } else {
    await spec.save(
      raws.map((r) => JSON.parse(r) as unknown),
      tx,
    )
  }
}

async function underLease<T>(
  ctx: FlushContext,
  kind: string,
  leaseKey: string,
  mode: FlushMode,
  journal: boolean,
  fn: (lease: Lease) => Promise<T>,
): Promise<T | null> {
  if (currentTx(ctx.sql)) {
    // The save would join the caller's transaction and the marks would clear before it commits (or rolls back).
    throw new StateFlushError(kind, 'cannot flush inside a database transaction; flush after it commits')
  }
  const opts = { owner: ctx.processId, ttlMs: ctx.leaseTtlMs }
  const lease =
    mode === 'try'
      ? await tryAcquireLease(ctx.hot, leaseKey, opts)
      : await acquireLease(ctx.hot, leaseKey, { ...opts, waitMs: ctx.leaseWaitMs })
  if (!lease) {
    if (mode === 'try') return null
    const err = new StateFlushError(kind, `flush lease still taken after ${ctx.leaseWaitMs} ms`)
    ctx.metrics.failed?.({ kind, journal, error: err })
    throw err
  }
  try {
    return await fn(lease)
  } catch (err) {
    ctx.metrics.failed?.({ kind, journal, error: err })
    if (err instanceof StateFlushError) throw err
    const reason = err instanceof Error ? err.message : String(err)
    throw new StateFlushError(kind, `flush failed (${reason}); whatever was not saved stays dirty`, {
      cause: err,
    })
  } finally {
    await lease.release().catch(() => {})
  }
}

/** Checked just before commit: a holder that lost its lease (a long pause) must not overwrite a newer flush. */
async function assertHeld(lease: Lease, kind: string): Promise<void> {
  if (!(await lease.renew())) throw new StateFlushError(kind, 'flush lease lost before commit; rolled back')
}

/**
 * Lets sockets and timers run between batches: with the embedded store every await of a flush resolves without
 * leaving the event loop, so a large flush would otherwise block the process for its whole length.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
