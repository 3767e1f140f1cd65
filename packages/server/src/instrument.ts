import type { HotStore } from './hot/types.ts'
import type { Database } from './storage/sql.ts'

type Observe = (ms: number, ok: boolean) => void

/** Times every promise-returning call of `target` (except those in `skip`); returns a proxy with the same type. */
function timed<T extends object>(target: T, observe: Observe, skip: ReadonlySet<string | symbol>): T {
  // One wrapper per method, made on first use: the hot path allocates nothing per call.
  const wrappers = new Map<string | symbol, unknown>()
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver)
      if (typeof v !== 'function') return v
      let w = wrappers.get(prop)
      if (w === undefined) {
        const fn = v as (...a: unknown[]) => unknown
        w = skip.has(prop)
          ? fn.bind(t)
          : (...args: unknown[]) => {
              const start = performance.now()
              const r = fn.apply(t, args)
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
        wrappers.set(prop, w)
      }
      return w
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
