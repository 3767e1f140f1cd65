import type { HotStore } from './hot/types.ts'
import type { Database } from './storage/sql.ts'

type Observe = (ms: number, ok: boolean) => void

/** Times every promise-returning call of `target` (except those in `skip`); returns a proxy with the same type. */
function timed<T extends object>(target: T, observe: Observe, skip: ReadonlySet<string | symbol>): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver)
      if (typeof v !== 'function' || skip.has(prop)) return typeof v === 'function' ? v.bind(t) : v
      return (...args: unknown[]) => {
        const start = performance.now()
        const r = (v as (...a: unknown[]) => unknown).apply(t, args)
        if (!(r instanceof Promise)) return r
        return r.then(
          (value) => {
            observe(performance.now() - start, true)
            return value
          },
          (err: unknown) => {
            observe(performance.now() - start, false)
            throw err
          },
        )
      }
    },
  })
}

/** The durable store with each statement timed (transactions are timed whole). */
export function instrumentDatabase(db: Database, observe: Observe): Database {
  return timed(db, observe, new Set(['close']))
}

/** The hot store with each command timed. */
export function instrumentHotStore(hot: HotStore, observe: Observe): HotStore {
  return timed(hot, observe, new Set(['close']))
}
