import { Worker } from 'node:worker_threads'
import type { PgliteDatabaseOptions } from './pglite.ts'
import type { Database, Row, Sql } from './sql.ts'
import { currentTx, normaliseParams, runInTx, timed } from './tx-context.ts'

type Call =
  | { op: 'open' | 'close' | 'begin' }
  | { op: 'query'; tx?: number; text: string; params: unknown[] }
  | { op: 'exec'; tx?: number; text: string }
  | { op: 'commit' | 'rollback'; tx: number }

/**
 * PGlite in a worker thread, as a Database: the same SQL, types and transaction semantics as `pgliteDatabase`, but
 * PGlite's work — a bulk flush, a migration, a slow query — runs beside the event loop instead of stalling it.
 * Queries and results cross by structured clone. `dataDir` undefined keeps the database in memory.
 */
export async function openPgliteThread(
  dataDir: string | undefined,
  opts: PgliteDatabaseOptions = {},
): Promise<Database> {
  const { onQuery, onClose } = opts
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir } })
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>()
  let nextId = 1
  let broken: Error | null = null
  const failAll = (err: Error) => {
    broken ??= err
    for (const p of pending.values()) p.reject(err)
    pending.clear()
  }
  worker.on('message', (m: { id: number; result?: unknown; error?: Record<string, unknown> }) => {
    const p = pending.get(m.id)
    pending.delete(m.id)
    if (!p) return
    if (m.error) p.reject(Object.assign(new Error(String(m.error.message)), m.error))
    else p.resolve(m.result)
  })
  worker.on('error', (err) => failAll(err))
  worker.on('exit', (code) => failAll(new Error(`the PGlite thread exited (${code})`)))

  const call = <T>(msg: Call): Promise<T> => {
    if (broken) return Promise.reject(broken)
    return new Promise<T>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      worker.postMessage({ id, ...msg })
    })
  }

  const statements = (tx: number | undefined): Pick<Sql, 'query' | 'exec'> => ({
    query: <R extends Row = Row>(text: string, params?: readonly unknown[]) =>
      timed(onQuery, () => call<R[]>({ op: 'query', tx, text, params: normaliseParams(params) })),
    exec: (text: string) => timed(onQuery, () => call<void>({ op: 'exec', tx, text })),
  })

  try {
    await call({ op: 'open' })
  } catch (err) {
    await worker.terminate()
    throw err
  }

  let closed = false
  const outside = statements(undefined)
  const db: Database = {
    dialect: 'pglite',
    query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]> {
      const tx = currentTx(db)
      return tx ? tx.query<R>(text, params) : outside.query<R>(text, params)
    },
    exec(script: string): Promise<void> {
      const tx = currentTx(db)
      return tx ? tx.exec(script) : outside.exec(script)
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const open = currentTx(db)
      if (open) return fn(open)
      const id = await call<number>({ op: 'begin' })
      const tx: Sql = { dialect: 'pglite', ...statements(id), transaction: (inner) => inner(tx) }
      let result: T
      try {
        result = await runInTx(db, tx, fn)
      } catch (err) {
        await call({ op: 'rollback', tx: id }).catch(() => undefined)
        throw err
      }
      await call({ op: 'commit', tx: id })
      return result
    },
    async close(): Promise<void> {
      if (closed) return
      closed = true
      try {
        await call({ op: 'close' }).catch(() => undefined)
        await worker.terminate()
      } finally {
        await onClose?.()
      }
    },
  }
  return db
}
