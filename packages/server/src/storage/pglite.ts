import { PGlite, type PGliteOptions, type Transaction, types } from '@electric-sql/pglite'
import type { Database, Row, Sql } from './sql.ts'
import { currentTx, normaliseParams, runInTx, timed } from './tx-context.ts'

/** Parsers that give PGlite the result types `postgresDatabase` has: int8 as number, numeric as string. */
export const pgliteParsers: NonNullable<PGliteOptions['parsers']> = {
  [types.INT8]: (x: string) => Number(x),
  [types.NUMERIC]: (x: string) => x,
}

/** Creates a PGlite instance with Tavern's parsers; `dataDir` undefined keeps it in memory. */
export function createPglite(
  dataDir: string | undefined,
  opts: Omit<PGliteOptions, 'parsers'> = {},
): Promise<PGlite> {
  return PGlite.create(dataDir, { ...opts, parsers: pgliteParsers })
}

export interface PgliteDatabaseOptions {
  onQuery?: (ms: number, ok: boolean) => void
  /** Runs after PGlite closed (releasing the directory lock, deleting a test copy). */
  onClose?: () => Promise<void>
}

/**
 * Wraps a PGlite instance as a Database. PGlite has one connection: its own transaction mutex makes every query
 * of another async flow wait until a running transaction ends, so transactions never interleave.
 */
export function pgliteDatabase(pg: PGlite, opts: PgliteDatabaseOptions = {}): Database {
  const { onQuery, onClose } = opts
  let closed = false

  const txSql = (tx: Transaction): Sql => {
    const sql: Sql = {
      dialect: 'pglite',
      query: async <R extends Row = Row>(text: string, params?: readonly unknown[]) =>
        timed(onQuery, async () => (await tx.query<R>(text, normaliseParams(params))).rows),
      exec: async (script) => {
        await timed(onQuery, () => tx.exec(script))
      },
      transaction: (fn) => fn(sql),
    }
    return sql
  }

  const db: Database = {
    dialect: 'pglite',
    async query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]> {
      const tx = currentTx(db)
      if (tx) return tx.query<R>(text, params)
      return timed(onQuery, async () => (await pg.query<R>(text, normaliseParams(params))).rows)
    },
    async exec(script: string): Promise<void> {
      const tx = currentTx(db)
      if (tx) return tx.exec(script)
      await timed(onQuery, () => pg.exec(script))
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const tx = currentTx(db)
      if (tx) return fn(tx)
      return pg.transaction((raw) => runInTx(db, txSql(raw), fn))
    },
    async close(): Promise<void> {
      if (closed) return
      closed = true
      try {
        await pg.close()
      } finally {
        await onClose?.()
      }
    },
  }
  return db
}
