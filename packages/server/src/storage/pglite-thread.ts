import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { PgliteDatabaseOptions } from './pglite.ts'
import type { Database, Row, Sql } from './sql.ts'
import { currentTx, normaliseParams, runInTx, timed } from './tx-context.ts'

type Call =
  | { op: 'open' | 'close' | 'begin' }
  | { op: 'query'; tx?: number; text: string; params: unknown[] }
  | { op: 'exec'; tx?: number; text: string }
  | { op: 'commit' | 'rollback'; tx: number }

/** A PGlite worker thread, opened: requests to it, and how to stop it. */
interface Thread {
  call<T>(msg: Call): Promise<T>
  /** Closes PGlite and ends the thread (its memory goes with it). */
  stop(): Promise<void>
}

/**
 * PGlite's `shared_buffers` (its own page cache, inside its WebAssembly memory; PostgreSQL's default is 128 MB). The
 * embedded database is a laptop's or a small host's, and the file system caches its pages too: 32 MB keeps its
 * memory at ~180 MB instead of ~310 MB. Written into the data directory's configuration at each start.
 */
const SHARED_BUFFERS = 'shared_buffers=32MB'

async function startThread(dataDir: string | undefined): Promise<Thread> {
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), {
    workerData: { dataDir, conf: SHARED_BUFFERS },
  })
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
  try {
    await call({ op: 'open' })
  } catch (err) {
    await worker.terminate()
    throw err
  }
  return {
    call,
    async stop() {
      await call({ op: 'close' }).catch(() => undefined)
      await worker.terminate()
    },
  }
}

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
  // A new data directory is created (initdb) in a thread of its own: PGlite keeps initdb's memory for as long as
  // the instance lives (~450 MB), and the thread's end gives it back.
  if (dataDir !== undefined && !existsSync(join(dataDir, 'PG_VERSION')))
    await (await startThread(dataDir)).stop()
  const { call, stop } = await startThread(dataDir)

  const statements = (tx: number | undefined): Pick<Sql, 'query' | 'exec'> => ({
    query: <R extends Row = Row>(text: string, params?: readonly unknown[]) =>
      timed(onQuery, () => call<R[]>({ op: 'query', tx, text, params: normaliseParams(params) })),
    exec: (text: string) => timed(onQuery, () => call<void>({ op: 'exec', tx, text })),
  })

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
        await stop()
      } finally {
        await onClose?.()
      }
    },
  }
  return db
}
