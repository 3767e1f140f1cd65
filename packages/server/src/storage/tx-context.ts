import { AsyncLocalStorage } from 'node:async_hooks'
import type { Sql } from './sql.ts'

/**
 * The transaction an async flow is inside, per database. Code that reaches for the database handle instead of the
 * `tx` it was given (a helper called from inside `transaction`) still joins the transaction: on PGlite it would
 * otherwise wait for itself forever, on PostgreSQL it would run on another connection and miss the changes.
 */
interface TxFrame {
  readonly owner: object
  readonly tx: Sql
  open: boolean
}

const frames = new AsyncLocalStorage<TxFrame>()

/** The open transaction of `owner` the current async flow runs in, if any. */
export function currentTx(owner: object): Sql | undefined {
  const f = frames.getStore()
  // A timer started inside a transaction keeps the frame after it ends; `open` tells the two apart.
  return f && f.owner === owner && f.open ? f.tx : undefined
}

/** Runs `fn` as the body of `tx`; after it settles, the frame no longer routes queries to `tx`. */
export async function runInTx<T>(owner: object, tx: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const frame: TxFrame = { owner, tx, open: true }
  try {
    return await frames.run(frame, () => fn(tx))
  } finally {
    frame.open = false
  }
}

/** Reports the duration of `run` to `onQuery`, if given. */
export async function timed<T>(
  onQuery: ((ms: number, ok: boolean) => void) | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (!onQuery) return run()
  const t0 = performance.now()
  try {
    const r = await run()
    onQuery(performance.now() - t0, true)
    return r
  } catch (err) {
    onQuery(performance.now() - t0, false)
    throw err
  }
}

/** Drivers treat `undefined` differently; SQL has only NULL. */
export function normaliseParams(params: readonly unknown[] | undefined): unknown[] {
  if (!params) return []
  return params.map((p) => (p === undefined ? null : p))
}
