import type { TableEntry } from '@tavern/protocol'
import type { JournalHandle, Sql, StateLayer } from '@tavern/server'
import { type Audience, projectEntry, type Viewer } from '../rules/visibility.ts'

/** One row of the append-only session log: the full entry and who may read it. */
export interface LogRow {
  sessionId: string
  seq: number
  at: number
  audience: Audience
  entry: TableEntry
}

type DbRow = { seq: number | string; at: number | string; audience: Audience; body: TableEntry }

/** A viewer, or everything (the GM export after the session, the fairness audit of a completed session). */
export type Reader = Viewer | 'all'

/**
 * The session log: appended through a state-layer journal (acknowledged in the hot store, bulk-inserted later)
 * and read back merged with what is not flushed yet, filtered by audience in SQL so pages stay full.
 */
export class LogStore {
  private readonly journal: JournalHandle<LogRow>

  constructor(
    state: StateLayer,
    private readonly sql: Sql,
  ) {
    this.journal = state.journal<LogRow>({
      kind: 'table.log',
      table: {
        name: 'table_log',
        columns: {
          session_id: { field: 'sessionId', type: 'text' },
          seq: { field: 'seq', type: 'int8' },
          at: { field: 'at', type: 'int8' },
          kind: { field: 'entry.kind', type: 'text' },
          audience: { field: 'audience', type: 'jsonb' },
          body: { field: 'entry', type: 'json' },
        },
      },
    })
  }

  /** Appends a row already encoded as `JSON.stringify(row)`. */
  appendJson(json: string): Promise<void> {
    return this.journal.appendJson(json)
  }

  flush(): Promise<void> {
    return this.journal.flush()
  }

  /** The highest seq written for a session (0 if none), durable or pending. */
  async lastSeq(sessionId: string): Promise<number> {
    const [r] = await this.sql.query<{ m: number | string | null }>(
      'SELECT max(seq) AS m FROM table_log WHERE session_id = $1',
      [sessionId],
    )
    return Number(r?.m ?? 0)
  }

  /** Newest first, seqs below `before`, only what `reader` may see (projected); includes unflushed rows. */
  async page(
    sessionId: string,
    reader: Reader,
    before: number | undefined,
    limit: number,
    knownSeq?: number,
  ): Promise<TableEntry[]> {
    const out: TableEntry[] = []
    for (const row of await this.rows(sessionId, reader, before, limit, knownSeq)) {
      const seen = reader === 'all' ? row.entry : projectEntry(row.entry, row.audience, reader)
      if (seen) out.push(seen)
    }
    return out
  }

  /**
   * Raw rows (not projected) newest first: those `reader` may see at least as a stub. `knownSeq`, the last seq
   * the caller knows was written, lets it skip the scan of unflushed rows when the database already has it.
   */
  async rows(
    sessionId: string,
    reader: Reader,
    before: number | undefined,
    limit: number,
    knownSeq?: number,
  ): Promise<LogRow[]> {
    const params: unknown[] = [sessionId, before ?? null, limit]
    let filter = ''
    if (reader !== 'all') {
      params.push(reader.userId, reader.gm)
      filter = `AND (audience @> '{"all": true}'
        OR audience->'users' @> jsonb_build_array($4::text)
        OR audience->'stub' @> jsonb_build_array($4::text)
        OR ($5::bool AND audience @> '{"gms": true}'))`
    }
    const [rows, durable] = await Promise.all([
      this.sql.query<DbRow>(
        `SELECT seq, at, audience, body FROM table_log
         WHERE session_id = $1 AND ($2::int8 IS NULL OR seq < $2) ${filter}
         ORDER BY seq DESC LIMIT $3`,
        params,
      ),
      knownSeq === undefined ? Promise.resolve(-1) : this.lastSeq(sessionId),
    ])
    // The unflushed rows of every session sit in one list: read it only when this session may have some there.
    const pending = knownSeq !== undefined && durable >= knownSeq ? [] : await this.journal.pending()
    const bySeq = new Map<number, LogRow>()
    for (const r of rows) {
      const seq = Number(r.seq)
      bySeq.set(seq, { sessionId, seq, at: Number(r.at), audience: r.audience, entry: r.body })
    }
    for (const p of pending) {
      if (p.sessionId !== sessionId || (before !== undefined && p.seq >= before)) continue
      if (reader === 'all' || projectEntry(p.entry, p.audience, reader)) bySeq.set(p.seq, p)
    }
    return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, limit)
  }

  /** Every entry the reader may see, oldest first (exports, recaps, fairness audits), up to `max`. */
  async all(sessionId: string, reader: Reader, knownSeq?: number, max = 100_000): Promise<TableEntry[]> {
    const out: TableEntry[] = []
    let before: number | undefined
    while (out.length < max) {
      const page = await this.page(sessionId, reader, before, 1000, knownSeq)
      out.push(...page)
      if (page.length < 1000) break
      before = page.at(-1)!.seq
    }
    return out.reverse()
  }
}
