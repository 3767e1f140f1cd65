import type { HotOp, HotStore } from '../hot/types.ts'

/**
 * Coalesces the hot writes of one event-loop turn (puts and journal appends) into one `multi`: one round trip per
 * turn instead of one per write. Every caller's promise settles with the batch that carried its write, so an
 * acknowledged write is in the hot store. Several puts of one key in a turn keep only the last value.
 */
export class HotWriteBatcher {
  /** valueKey → write; Map keeps first-insertion order, the value is the latest. */
  private puts = new Map<string, { dirtyKey: string; id: string; json: string; version: string }>()
  private appends = new Map<string, string[]>()
  private current: Deferred | undefined
  private readonly inflight = new Set<Promise<void>>()

  constructor(
    private readonly hot: HotStore,
    /** Largest number of puts in one multi; a bigger turn is split (each put stays atomic on its own). */
    private readonly maxPutsPerMulti: number,
    private readonly onBatch?: (e: { puts: number; appends: number }) => void,
    /** Told about a failed batch once, whether or not its callers look at their promises. */
    private readonly onError?: (err: unknown, e: { puts: number; appends: number }) => void,
  ) {}

  /** Queues the value and its dirty mark (`dirtyKey` field `id` = `version`). */
  put(valueKey: string, dirtyKey: string, id: string, json: string, version: string): Promise<void> {
    this.puts.delete(valueKey)
    this.puts.set(valueKey, { dirtyKey, id, json, version })
    return this.batch().promise
  }

  append(listKey: string, json: string): Promise<void> {
    const list = this.appends.get(listKey)
    if (list) list.push(json)
    else this.appends.set(listKey, [json])
    return this.batch().promise
  }

  /** The value queued for `valueKey` and not yet sent, so reads see this process's own writes. */
  queued(valueKey: string): string | undefined {
    return this.puts.get(valueKey)?.json
  }

  /** Resolves once every write queued so far has been sent and answered (successfully or not). */
  async settled(): Promise<void> {
    const pending = [...this.inflight]
    if (this.current) pending.push(this.current.promise.catch(() => {}))
    await Promise.all(pending)
  }

  private batch(): Deferred {
    if (this.current) return this.current
    const d = deferred()
    this.current = d
    setImmediate(() => this.send(d))
    return d
  }

  private send(d: Deferred): void {
    const puts = [...this.puts.values()]
    const keys = [...this.puts.keys()]
    const appends = [...this.appends]
    this.puts = new Map()
    this.appends = new Map()
    this.current = undefined
    const multis: HotOp[][] = []
    for (let i = 0; i < Math.max(puts.length, 1); i += this.maxPutsPerMulti) {
      const ops: HotOp[] = []
      const marks = new Map<string, Record<string, string>>()
      for (let j = i; j < Math.min(i + this.maxPutsPerMulti, puts.length); j++) {
        const p = puts[j] as (typeof puts)[number]
        ops.push({ op: 'set', key: keys[j] as string, value: p.json })
        const fields = marks.get(p.dirtyKey) ?? {}
        fields[p.id] = p.version
        marks.set(p.dirtyKey, fields)
      }
      for (const [key, fields] of marks) ops.push({ op: 'hset', key, fields })
      if (i === 0) for (const [key, values] of appends) ops.push({ op: 'rpush', key, values })
      if (ops.length > 0) multis.push(ops)
    }
    const size = { puts: puts.length, appends: appends.reduce((n, [, v]) => n + v.length, 0) }
    this.onBatch?.(size)
    const done = Promise.all(multis.map((ops) => this.hot.multi(ops))).then(
      () => d.resolve(),
      (err: unknown) => {
        this.onError?.(err, size)
        d.reject(err)
      },
    )
    this.inflight.add(done)
    void done.finally(() => this.inflight.delete(done))
  }
}

interface Deferred {
  promise: Promise<void>
  resolve(): void
  reject(err: unknown): void
}

function deferred(): Deferred {
  let resolve!: () => void
  let reject!: (err: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  // Failures are reported through onError; a caller that ignores its promise must not crash the process.
  promise.catch(() => {})
  return { promise, resolve, reject }
}
