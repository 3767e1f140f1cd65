import pg from 'pg'
import type { Database, Row, Sql } from './sql.ts'
import { currentTx, normaliseParams, runInTx, timed } from './tx-context.ts'

const INT8 = 20
const INT8_ARRAY = 1016

/**
 * int8 (and count) as JS numbers, like PGlite. Set on the pool rather than on pg's global parser so no other
 * pg user in the process changes behaviour. Tavern's int8 values (epoch ms, ids, counters) stay below 2^53.
 */
const tavernTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8) return (v: string) => Number(v)
    if (oid === INT8_ARRAY) {
      const strings = (pg.types.getTypeParser as (oid: number) => unknown)(INT8_ARRAY) as (
        v: string,
      ) => Array<string | null>
      return (v: string) => strings(v).map((x) => (x === null ? null : Number(x)))
    }
    return pg.types.getTypeParser(oid, format)
  }) as pg.CustomTypesConfig['getTypeParser'],
}

export interface PostgresOptions {
  url: string
  /** Pool size (default 10). */
  max?: number
  onQuery?: (ms: number, ok: boolean) => void
  /** Sets `search_path` on every connection (tests isolate themselves in a schema). */
  searchPath?: string
  /** Runs after the pool has ended. */
  onClose?: () => Promise<void>
}

/**
 * A Database over a pg Pool. Note for callers: pg turns a JS array parameter into a Postgres array, so a jsonb
 * parameter holding an array must be passed as `JSON.stringify(value)` (objects and strings work as they are).
 */
export function postgresDatabase(opts: PostgresOptions): Database {
  const { onQuery, onClose } = opts
  // It goes into the connection's startup options, where a space or quote would change its meaning.
  if (opts.searchPath !== undefined && !/^[a-z_][a-z0-9_]*$/.test(opts.searchPath)) {
    throw new Error(`invalid search_path: ${JSON.stringify(opts.searchPath)}`)
  }
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    types: tavernTypes,
    ...(opts.searchPath ? { options: `-c search_path=${opts.searchPath}` } : {}),
  })
  // An idle connection that drops is replaced on the next checkout; without a listener it would crash the process.
  pool.on('error', () => {})
  let closed = false

  const clientSql = (client: pg.PoolClient): Sql => {
    const sql: Sql = {
      dialect: 'postgres',
      query: async <R extends Row = Row>(text: string, params?: readonly unknown[]) =>
        timed(onQuery, async () => (await client.query<R>(text, normaliseParams(params))).rows),
      exec: async (script) => {
        await timed(onQuery, () => client.query(script))
      },
      transaction: (fn) => fn(sql),
    }
    return sql
  }

  const db: Database = {
    dialect: 'postgres',
    async query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]> {
      const tx = currentTx(db)
      if (tx) return tx.query<R>(text, params)
      return timed(onQuery, async () => (await pool.query<R>(text, normaliseParams(params))).rows)
    },
    async exec(script: string): Promise<void> {
      const tx = currentTx(db)
      if (tx) return tx.exec(script)
      await timed(onQuery, () => pool.query(script))
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const tx = currentTx(db)
      if (tx) return fn(tx)
      const client = await pool.connect()
      let broken = false
      try {
        await client.query('BEGIN')
        const result = await runInTx(db, clientSql(client), fn)
        await client.query('COMMIT')
        return result
      } catch (err) {
        try {
          await client.query('ROLLBACK')
        } catch {
          broken = true
        }
        throw err
      } finally {
        client.release(broken)
      }
    },
    async close(): Promise<void> {
      if (closed) return
      closed = true
      try {
        await pool.end()
      } finally {
        await onClose?.()
      }
    },
  }
  return db
}

/** Opens PostgreSQL and checks the connection, so a wrong URL fails at boot rather than on the first request. */
export async function openPostgres(opts: PostgresOptions): Promise<Database> {
  const db = postgresDatabase(opts)
  try {
    await db.query('SELECT 1')
  } catch (err) {
    await db.close()
    throw err
  }
  return db
}
