import type { JsonColumns } from '../storage/bulk.ts'
import type { Sql } from '../storage/sql.ts'

/**
 * Write-behind persistence (the seed's GameStateManager, done right). Live authority stays in the owning process;
 * `put` writes the value and its dirty mark to the hot store in one atomic batch before it resolves; a flusher
 * writes dirty values to the durable store in bulk and clears each mark only if it did not change meanwhile.
 * Hot state is never dropped before its durable write succeeded.
 */
export interface StateKindSpec<T> {
  /** `<module>.<kind>`, e.g. `world.player`. */
  readonly kind: string
  /** Loads values missing from the hot store. */
  load(ids: readonly string[], sql: Sql): Promise<Map<string, T>>
  /** Upserts a batch in one transaction (use `bulkUpsert`). Must be idempotent. */
  save(rows: ReadonlyArray<{ id: string; value: T }>, tx: Sql): Promise<void>
}

export interface StateHandle<T> {
  /** Hot copy first, then the durable store (and caches the result hot). */
  get(id: string): Promise<T | undefined>
  /** Stores hot and marks dirty atomically; resolves once the hot store has both. */
  put(id: string, value: T): Promise<void>
  /** Writes the given (or all) dirty values of this kind to the durable store now. */
  flush(ids?: readonly string[]): Promise<void>
  /** Flushes if dirty, then drops the hot copy. */
  evict(id: string): Promise<void>
}

/**
 * Append-only rows (chat lines, logs): acknowledged once in the hot store, bulk-inserted later, exactly once. Rows
 * carry their own unique key, so a batch saved twice (a crash between commit and trim) lands once.
 */
export type JournalSpec<T> = { readonly kind: string } & (
  | {
      /**
       * Where rows go: the table, and per column the row field it holds. The database reads the fields out of the
       * rows' JSON as kept in the hot store, so a flush never decodes them (conflicting rows are skipped).
       */
      readonly table: { readonly name: string; readonly columns: JsonColumns }
    }
  | {
      /** Or inserts a decoded batch itself, in the flush's transaction; use ON CONFLICT DO NOTHING. */
      save(rows: readonly T[], tx: Sql): Promise<void>
    }
)

export interface JournalHandle<T> {
  append(row: T): Promise<void>
  /**
   * Appends a row the caller already encoded as `JSON.stringify(row)` (a caller that keeps the text, e.g. as a compact
   * in-memory copy, encodes it once).
   */
  appendJson(json: string): Promise<void>
  /** Rows acknowledged but not yet in the durable store, oldest first (read-your-writes for history queries). */
  pending(): Promise<T[]>
  flush(): Promise<void>
}

export interface StateLayer {
  define<T>(spec: StateKindSpec<T>): StateHandle<T>
  journal<T>(spec: JournalSpec<T>): JournalHandle<T>
  /** Flushes every kind and journal (used at shutdown and by tests). */
  flushAll(): Promise<void>
}
