import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import type { Row, Sql } from '../storage/sql.ts'
import type { TimedEvent } from './types.ts'

/** Runs one event inside the claiming transaction; its writes commit together with the event's removal. */
export type TimedEventHandler = (event: TimedEvent, tx: Sql) => Promise<void>

export type TimedEventOutcome = 'done' | 'retry' | 'dead'

export interface TimedEventsOptions {
  readonly sql: Sql
  /** Decides what is due; tests pass a ManualClock. */
  readonly clock: Clock
  readonly log: Logger
  /** Handlers by kind. Read at every poll, so an object filled after construction works too. */
  readonly handlers?: Readonly<Record<string, TimedEventHandler>>
  /** Events claimed per transaction (default 50). */
  readonly batchSize?: number
  /** Attempts before an event is marked dead (default 5). */
  readonly maxAttempts?: number
  /** First retry delay, doubled per attempt (default 1 s), capped at `backoffMaxMs` (default 5 min). */
  readonly backoffBaseMs?: number
  readonly backoffMaxMs?: number
  readonly onEvent?: (e: { kind: string; outcome: TimedEventOutcome; delayMs: number }) => void
}

const COLUMNS = 'id, kind, key, run_at, payload, attempts'

/**
 * Durable timed events in `tavern_timed_events`. Any number of processes may poll the same table: due rows are
 * claimed with `FOR UPDATE SKIP LOCKED`, each handler runs inside the claiming transaction (under a savepoint,
 * so one failing event does not undo the others), and the row is deleted in that same transaction. An event's
 * effects and its removal commit together, so it runs exactly once. Kinds without a handler here are never claimed.
 */
export class TimedEvents {
  private readonly handlers = new Map<string, TimedEventHandler>()
  private readonly batchSize: number
  private readonly maxAttempts: number
  private readonly backoffBaseMs: number
  private readonly backoffMaxMs: number
  private readonly reportedUnknown = new Set<string>()

  constructor(private readonly opts: TimedEventsOptions) {
    this.batchSize = opts.batchSize ?? 50
    this.maxAttempts = opts.maxAttempts ?? 5
    this.backoffBaseMs = opts.backoffBaseMs ?? 1000
    this.backoffMaxMs = opts.backoffMaxMs ?? 300_000
  }

  /** Registers the handler of a kind (one per kind per process). */
  on(kind: string, handler: TimedEventHandler): void {
    assertKind(kind)
    if (this.handler(kind)) throw new Error(`timed event kind has two handlers: ${kind}`)
    this.handlers.set(kind, handler)
  }

  private handler(kind: string): TimedEventHandler | undefined {
    return (
      this.handlers.get(kind) ??
      (Object.hasOwn(this.opts.handlers ?? {}, kind) ? this.opts.handlers?.[kind] : undefined)
    )
  }

  private kinds(): string[] {
    return [...new Set([...this.handlers.keys(), ...Object.keys(this.opts.handlers ?? {})])]
  }

  /**
   * Schedules an event. With a key, (kind, key) is unique and scheduling it again replaces the pending event's
   * `runAt` and payload (and clears its attempts): the latest schedule wins. Returns the event id.
   */
  async at(
    kind: string,
    runAt: number,
    payload: unknown,
    opts: { key?: string; tx?: Sql } = {},
  ): Promise<number> {
    assertKind(kind)
    if (!Number.isFinite(runAt)) throw new RangeError(`runAt must be epoch milliseconds: ${runAt}`)
    const rows = await (opts.tx ?? this.opts.sql).query<{ id: number | string }>(
      `INSERT INTO tavern_timed_events (kind, key, run_at, payload, created_at)
       VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (kind, key) WHERE key IS NOT NULL
       DO UPDATE SET run_at = EXCLUDED.run_at, payload = EXCLUDED.payload, attempts = 0, last_error = NULL, dead = false
       RETURNING id`,
      [kind, opts.key ?? null, Math.round(runAt), JSON.stringify(payload ?? null), this.opts.clock.now()],
    )
    return Number(rows[0]?.id)
  }

  /** Removes a pending event; waits if a poller is running it right now (then it is gone: false). */
  async cancel(kind: string, key: string, tx?: Sql): Promise<boolean> {
    const rows = await (tx ?? this.opts.sql).query(
      'DELETE FROM tavern_timed_events WHERE kind = $1 AND key = $2 RETURNING id',
      [kind, key],
    )
    return rows.length > 0
  }

  /** Claims and runs one batch of due events. Returns how many were claimed (run or failed). */
  async runDue(): Promise<number> {
    const kinds = this.kinds()
    if (kinds.length === 0) return 0
    const now = this.opts.clock.now()
    return this.opts.sql.transaction(async (tx) => {
      const rows = await tx.query(
        `SELECT ${COLUMNS} FROM tavern_timed_events
         WHERE NOT dead AND run_at <= $1 AND kind IN (SELECT jsonb_array_elements_text($2::jsonb))
         ORDER BY run_at, id LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [now, JSON.stringify(kinds), this.batchSize],
      )
      const done: number[] = []
      for (const row of rows) {
        const event = toEvent(row)
        const handler = this.handler(event.kind) as TimedEventHandler
        await tx.query('SAVEPOINT tavern_timed_event')
        try {
          await handler(event, tx)
          await tx.query('RELEASE SAVEPOINT tavern_timed_event')
          done.push(event.id)
          this.opts.onEvent?.({ kind: event.kind, outcome: 'done', delayMs: now - event.runAt })
        } catch (err) {
          await tx.query('ROLLBACK TO SAVEPOINT tavern_timed_event')
          await tx.query('RELEASE SAVEPOINT tavern_timed_event')
          await this.recordFailure(tx, event, err, now)
        }
      }
      if (done.length > 0) {
        await tx.query(
          'DELETE FROM tavern_timed_events WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::int8)',
          [JSON.stringify(done)],
        )
      }
      return rows.length
    })
  }

  /** Runs batches until fewer than a full batch is due (or `shouldStop` says so). Returns events claimed. */
  async drain(shouldStop: () => boolean = () => false): Promise<number> {
    let total = 0
    for (;;) {
      const n = await this.runDue()
      total += n
      if (n < this.batchSize || shouldStop()) return total
    }
  }

  /** Logs, once per kind and process, due events nobody here handles (another process may). */
  async reportUnhandled(): Promise<string[]> {
    const rows = await this.opts.sql.query<{ kind: string }>(
      `SELECT DISTINCT kind FROM tavern_timed_events
       WHERE NOT dead AND run_at <= $1 AND kind NOT IN (SELECT jsonb_array_elements_text($2::jsonb)) LIMIT 100`,
      [this.opts.clock.now(), JSON.stringify(this.kinds())],
    )
    const fresh = rows.map((r) => r.kind).filter((k) => !this.reportedUnknown.has(k))
    for (const kind of fresh) {
      this.reportedUnknown.add(kind)
      this.opts.log.warn(
        { kind },
        'due timed events of a kind without a handler in this process; left for others',
      )
    }
    return fresh
  }

  private async recordFailure(tx: Sql, event: TimedEvent, err: unknown, now: number): Promise<void> {
    const attempts = event.attempts + 1
    const dead = attempts >= this.maxAttempts
    const delay = Math.min(this.backoffBaseMs * 2 ** (attempts - 1), this.backoffMaxMs)
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    await tx.query(
      'UPDATE tavern_timed_events SET attempts = $2, last_error = $3, run_at = $4, dead = $5 WHERE id = $1',
      [event.id, attempts, message.slice(0, 2000), dead ? event.runAt : now + delay, dead],
    )
    const fields = { err, kind: event.kind, eventId: event.id, key: event.key, attempts }
    if (dead) this.opts.log.error(fields, 'timed event failed for the last time; marked dead')
    else this.opts.log.warn({ ...fields, retryInMs: delay }, 'timed event failed; will retry')
    this.opts.onEvent?.({ kind: event.kind, outcome: dead ? 'dead' : 'retry', delayMs: now - event.runAt })
  }
}

function toEvent(row: Row): TimedEvent {
  return {
    id: Number(row.id),
    kind: String(row.kind),
    key: row.key === null || row.key === undefined ? null : String(row.key),
    runAt: Number(row.run_at),
    payload: row.payload,
    attempts: Number(row.attempts),
  }
}

function assertKind(kind: string): void {
  if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$/.test(kind))
    throw new Error(`timed event kind must be <module>.<event>: ${kind}`)
}
