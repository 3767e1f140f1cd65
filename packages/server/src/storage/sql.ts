/**
 * The durable store as Tavern code sees it: parametrised SQL over PGlite (embedded) or PostgreSQL, with the same
 * result types on both: int8 and count come back as JS numbers, jsonb as parsed values, timestamps as Date.
 * Tavern stores instants as epoch milliseconds in int8 columns, so nothing depends on time zones.
 */
export type Row = Record<string, unknown>

export interface Sql {
  readonly dialect: 'pglite' | 'postgres'
  /** Runs one statement with `$1…$n` parameters and returns its rows. */
  query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]>
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>
  /** Runs `fn` in one transaction; commits if it resolves, rolls back if it throws. Nested calls reuse it. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>
}

/** A durable store the kernel owns and closes. */
export interface Database extends Sql {
  close(): Promise<void>
}

/** One module's schema change, applied once, in order, in its own transaction. */
export interface Migration {
  /** Sortable and unique within the module, e.g. `0001_accounts`. */
  readonly id: string
  readonly sql: string
}
