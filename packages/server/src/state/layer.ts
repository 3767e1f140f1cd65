import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { Clock } from '../clock.ts'
import type { HotStore } from '../hot/types.ts'
import type { Sql } from '../storage/sql.ts'
import {
  type FlushContext,
  type FlushMode,
  flushJournal,
  flushStateKind,
  StateFlushError,
  stateKeys,
} from './flusher.ts'
import { HotWriteBatcher } from './hot-batch.ts'
import { type StateMetricsHooks, stateMetricsHooks } from './metrics.ts'
import type { JournalHandle, JournalSpec, StateHandle, StateKindSpec, StateLayer } from './types.ts'

export interface StateLayerOptions {
  readonly hot: HotStore
  readonly sql: Sql
  readonly clock: Clock
  readonly log: Logger
  /** Names this process in lease tokens. */
  readonly processId: string
  /** Period of the background flush (default 10 s). */
  readonly flushIntervalMs?: number
  /** Rows per save transaction (default 1,000). */
  readonly batchSize?: number
  /** Flush lease TTL, renewed every third of it while a flush runs (default 15 s). */
  readonly leaseTtlMs?: number
  /** How long an explicit flush (evict, disconnect, shutdown) waits for another process's flush (default 20 s). */
  readonly leaseWaitMs?: number
  /** TTL of values cached by `get` from the durable store; a `put` removes it (default 1 h). */
  readonly cacheTtlMs?: number
  /** Largest number of puts sent in one multi (default 10,000). */
  readonly maxPutsPerMulti?: number
  readonly metrics?: Registry | StateMetricsHooks
}

/** The state layer with its lifecycle, as the kernel holds it. */
export interface StateLayerRuntime extends StateLayer {
  /** Recovery flush of everything defined so far (what a crashed process left dirty), then the periodic flusher. */
  start(): Promise<void>
  /** Stops the periodic flusher and flushes everything; rejects if something could not be written. */
  stop(): Promise<void>
  /** Resolves once every put and append issued so far has reached the hot store (or failed). */
  settled(): Promise<void>
  /** Clock time of the last periodic round that wrote everything it found, or null. */
  lastFullFlushAt(): number | null
}

/** Builds the write-behind state layer over a hot store and a durable store. */
export function createStateLayer(opts: StateLayerOptions): StateLayerRuntime {
  const { hot, sql, clock, log } = opts
  const metrics = stateMetricsHooks(opts.metrics)
  const ctx: FlushContext = {
    hot,
    sql,
    log,
    processId: opts.processId,
    metrics,
    batchSize: opts.batchSize ?? 1000,
    leaseTtlMs: opts.leaseTtlMs ?? 15_000,
    leaseWaitMs: opts.leaseWaitMs ?? 20_000,
  }
  const flushIntervalMs = opts.flushIntervalMs ?? 10_000
  const cacheTtlMs = opts.cacheTtlMs ?? 3_600_000
  const batcher = new HotWriteBatcher(
    hot,
    opts.maxPutsPerMulti ?? 10_000,
    (e) => metrics.batched?.(e),
    (err, e) =>
      log.error({ err, ...e }, 'hot-store write batch failed; those puts and appends were not acknowledged'),
  )
  const kinds = new Map<string, { spec: StateKindSpec<unknown>; lock: KindLock }>()
  const journals = new Map<string, { spec: JournalSpec<unknown>; lock: KindLock }>()
  // Dirty-mark versions: increasing within this layer and unique across layers (the suffix), so a mark cleared by
  // compare-and-delete can never be confused with a newer put from another instance.
  const nonce = randomBytes(4).toString('hex')
  let seq = Date.now() * 1000
  const nextVersion = (): string => `${++seq}-${nonce}`

  let started = false
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let round: Promise<void> | undefined
  let lastFull: number | null = null

  const flushKind = (name: string, mode: FlushMode, ids?: readonly string[]): Promise<number | null> => {
    const k = kinds.get(name) as { spec: StateKindSpec<unknown>; lock: KindLock }
    return k.lock.run(() => flushStateKind(ctx, k.spec, mode, ids))
  }
  const flushJournalKind = (name: string, mode: FlushMode): Promise<number | null> => {
    const j = journals.get(name) as { spec: JournalSpec<unknown>; lock: KindLock }
    return j.lock.run(() => flushJournal(ctx, j.spec, mode))
  }

  /** Flushes every kind and journal; collects failures instead of stopping at the first. */
  const flushEverything = async (
    mode: FlushMode,
  ): Promise<{ errors: unknown[]; skipped: number; rows: number }> => {
    await batcher.settled()
    const errors: unknown[] = []
    let skipped = 0
    let rows = 0
    const jobs: Array<[lock: KindLock, run: () => Promise<number | null>]> = [
      ...[...kinds].map(([name, k]): [KindLock, () => Promise<number | null>] => [
        k.lock,
        () => flushKind(name, mode),
      ]),
      ...[...journals].map(([name, j]): [KindLock, () => Promise<number | null>] => [
        j.lock,
        () => flushJournalKind(name, mode),
      ]),
    ]
    for (const [lock, run] of jobs) {
      // The periodic round leaves a kind alone while an explicit flush of it runs here.
      if (mode === 'try' && lock.busy) {
        skipped++
        continue
      }
      try {
        const n = await run()
        if (n === null) skipped++
        else rows += n
      } catch (err) {
        errors.push(err)
      }
    }
    return { errors, skipped, rows }
  }

  const periodic = async (): Promise<void> => {
    const { errors, skipped } = await flushEverything('try')
    for (const err of errors) log.error({ err }, 'periodic state flush failed; will retry')
    if (errors.length === 0 && skipped === 0) lastFull = clock.now()
  }

  const schedule = (): void => {
    if (stopped) return
    timer = setTimeout(() => {
      round = periodic().finally(() => {
        round = undefined
        schedule()
      })
    }, flushIntervalMs)
    timer.unref()
  }

  const layer: StateLayerRuntime = {
    define<T>(spec: StateKindSpec<T>): StateHandle<T> {
      assertNewKind(spec.kind)
      const entry = { spec: spec as StateKindSpec<unknown>, lock: new KindLock() }
      kinds.set(spec.kind, entry)
      const dirtyKey = stateKeys.dirty(spec.kind)
      if (started && !stopped) {
        void flushKind(spec.kind, 'try').catch((err: unknown) =>
          log.error({ err }, 'recovery flush failed; will retry'),
        )
      }
      return {
        async get(id) {
          const key = stateKeys.value(spec.kind, id)
          const queued = batcher.queued(key)
          if (queued !== undefined) return JSON.parse(queued) as T
          const raw = await hot.get(key)
          if (raw !== null) return JSON.parse(raw) as T
          const value = (await spec.load([id], sql)).get(id)
          if (value === undefined) return undefined
          // Only if still absent: a put that raced this load is newer and must not be overwritten by the old copy.
          const cached = await hot.set(key, JSON.stringify(value), { ttlMs: cacheTtlMs, ifAbsent: true })
          if (cached) return value
          const now = await hot.get(key)
          return now === null ? value : (JSON.parse(now) as T)
        },
        put(id, value) {
          const json = JSON.stringify(value)
          if (json === undefined)
            return Promise.reject(new TypeError(`${spec.kind}: value of ${id} is not JSON`))
          return batcher.put(stateKeys.value(spec.kind, id), dirtyKey, id, json, nextVersion())
        },
        async flush(ids) {
          await batcher.settled()
          await flushKind(spec.kind, 'wait', ids)
        },
        async evict(id) {
          const key = stateKeys.value(spec.kind, id)
          await batcher.settled()
          await entry.lock.run(async () => {
            await flushStateKind(ctx, entry.spec, 'wait', [id])
            // A put that landed after the flush re-marked it: keep the value, the next flush takes it.
            if (batcher.queued(key) !== undefined) return
            if ((await hot.hget(dirtyKey, id)) !== null) return
            await hot.del(key)
          })
        },
      }
    },

    journal<T>(spec: JournalSpec<T>): JournalHandle<T> {
      assertNewKind(spec.kind)
      journals.set(spec.kind, { spec: spec as JournalSpec<unknown>, lock: new KindLock() })
      if (started && !stopped) {
        void flushJournalKind(spec.kind, 'try').catch((err: unknown) =>
          log.error({ err }, 'recovery flush failed; will retry'),
        )
      }
      const key = stateKeys.journal(spec.kind)
      return {
        append(row) {
          const json = JSON.stringify(row)
          if (json === undefined)
            return Promise.reject(new TypeError(`${spec.kind}: journal row is not JSON`))
          return batcher.append(key, json)
        },
        appendJson(json) {
          return batcher.append(key, json)
        },
        async pending() {
          // Appends issued before this call land first. A row may also be durable already (between commit and
          // trim); callers merging with the durable store dedupe by the row's id.
          await batcher.settled()
          return (await hot.lrange(key, 0, -1)).map((r) => JSON.parse(r) as T)
        },
        async flush() {
          await batcher.settled()
          await flushJournalKind(spec.kind, 'wait')
        },
      }
    },

    async flushAll() {
      const { errors } = await flushEverything('wait')
      if (errors.length > 0) throw new AggregateError(errors, `${errors.length} state flush(es) failed`)
    },

    async start() {
      if (started) return
      started = true
      const { errors, rows } = await flushEverything('wait')
      for (const err of errors) log.error({ err }, 'recovery flush failed; the periodic flush will retry')
      if (rows > 0) log.info({ rows }, 'recovered dirty state left in the hot store')
      schedule()
    },

    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await round
      await layer.flushAll()
    },

    settled: () => batcher.settled(),
    lastFullFlushAt: () => lastFull,
  }

  function assertNewKind(kind: string): void {
    if (kinds.has(kind) || journals.has(kind)) throw new Error(`state kind defined twice: ${kind}`)
    if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$/.test(kind))
      throw new Error(`state kind must be <module>.<kind>: ${kind}`)
  }

  return layer
}

/** Serialises flushes of one kind within this process (the lease serialises them across processes). */
class KindLock {
  private tail: Promise<unknown> = Promise.resolve()
  private waiting = 0

  get busy(): boolean {
    return this.waiting > 0
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    this.waiting++
    const p = this.tail.then(fn)
    this.tail = p.catch(() => {})
    return p.finally(() => {
      this.waiting--
    })
  }
}

export { StateFlushError }
