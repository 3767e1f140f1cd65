import pino from 'pino'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../src/clock.ts'
import { schedulerMigrations } from '../src/scheduler/migrations.ts'
import { createScheduler, type SchedulerRuntime } from '../src/scheduler/scheduler.ts'
import type { TimedEventHandler } from '../src/scheduler/timed-events.ts'
import type { Database, Sql } from '../src/storage/sql.ts'
import { openTestDatabase } from '../src/testing/stack.ts'
import { count, silent } from './state-fixtures.ts'

const T0 = 1_700_000_000_000

/** Records each run in `test_results` inside the claiming transaction. */
const record: TimedEventHandler = async (event, tx) => {
  await tx.query('INSERT INTO test_results (event_id, payload) VALUES ($1, $2::jsonb)', [
    event.id,
    JSON.stringify(event.payload),
  ])
}

function scheduler(
  sql: Sql,
  clock: ManualClock,
  handlers: Record<string, TimedEventHandler>,
  extra = {},
): SchedulerRuntime {
  return createScheduler({ sql, clock, log: silent, processId: 'test', handlers, ...extra })
}

describe.each(['pglite', 'postgres'] as const)('timed events on %s', (kind) => {
  let db: Database
  let clock: ManualClock

  beforeAll(async () => {
    db = await openTestDatabase(kind)
    for (const m of schedulerMigrations) await db.exec(m.sql)
    await db.exec('CREATE TABLE test_results (event_id int8 NOT NULL, payload jsonb, process text)')
  })
  afterAll(async () => {
    await db?.close()
  })
  beforeEach(async () => {
    await db.exec('TRUNCATE tavern_timed_events, test_results')
    clock = new ManualClock(T0)
  })

  it('runs due events once, in run_at order, and removes them with their effects', async () => {
    const order: number[] = []
    const s = scheduler(db, clock, {
      'test.ping': async (e, tx) => {
        order.push((e.payload as { n: number }).n)
        await record(e, tx)
      },
    })
    await s.at('test.ping', T0 + 2000, { n: 2 })
    await s.at('test.ping', T0 + 1000, { n: 1 })
    await s.at('test.ping', T0 + 60_000, { n: 3 })
    expect(await s.runDue()).toBe(0)
    clock.advance(2000)
    expect(await s.runDue()).toBe(2)
    expect(order).toEqual([1, 2])
    expect(await count(db, 'test_results')).toBe(2)
    expect(await count(db, 'tavern_timed_events')).toBe(1)
    expect(await s.runDue()).toBe(0)
  })

  it('a key makes scheduling idempotent: the latest schedule wins', async () => {
    const s = scheduler(db, clock, { 'test.build': record })
    const id1 = await s.at('test.build', T0 + 5000, { level: 1 }, { key: 'planet-1' })
    const id2 = await s.at('test.build', T0 + 9000, { level: 2 }, { key: 'planet-1' })
    await s.at('test.other', T0, null, { key: 'planet-1' }) // another kind, same key: a separate event
    expect(id2).toBe(id1)
    const rows = await db.query<{ run_at: number; payload: unknown }>(
      `SELECT run_at, payload FROM tavern_timed_events WHERE kind = 'test.build'`,
    )
    expect(rows).toEqual([{ run_at: T0 + 9000, payload: { level: 2 } }])
    expect(await count(db, 'tavern_timed_events')).toBe(2)
    expect(await s.cancel('test.build', 'planet-1')).toBe(true)
    expect(await s.cancel('test.build', 'planet-1')).toBe(false)
  })

  it('scheduling inside a transaction commits or rolls back with it', async () => {
    const s = scheduler(db, clock, { 'test.ping': record })
    await expect(
      db.transaction(async (tx) => {
        await s.at('test.ping', T0, { n: 1 }, { tx })
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await count(db, 'tavern_timed_events')).toBe(0)
    await db.transaction(async (tx) => {
      await s.at('test.ping', T0, { n: 2 }, { tx })
    })
    expect(await s.runDue()).toBe(1)
    expect(await db.query('SELECT payload FROM test_results')).toEqual([{ payload: { n: 2 } }])
  })

  it('a failing handler is rolled back and retried with backoff, then marked dead', async () => {
    const outcomes: string[] = []
    const s = scheduler(
      db,
      clock,
      {
        'test.flaky': async (e, tx) => {
          await record(e, tx)
          throw new Error(`nope ${e.attempts}`)
        },
        'test.ping': record,
      },
      { metrics: { event: (e: { outcome: string }) => outcomes.push(e.outcome) } },
    )
    await s.at('test.flaky', T0, null, { key: 'k' })
    await s.at('test.ping', T0, null)
    expect(await s.runDue()).toBe(2)
    // The other event of the batch committed; the failing one left no effect.
    expect(await count(db, 'test_results')).toBe(1)
    const [row] = await db.query<{ attempts: number; last_error: string; run_at: number; dead: boolean }>(
      'SELECT attempts, last_error, run_at, dead FROM tavern_timed_events',
    )
    expect(row).toEqual({ attempts: 1, last_error: 'Error: nope 0', run_at: T0 + 1000, dead: false })
    for (const wait of [1000, 2000, 4000, 8000]) {
      expect(await s.runDue()).toBe(0)
      clock.advance(wait)
      expect(await s.runDue()).toBe(1)
    }
    const [dead] = await db.query<{ attempts: number; dead: boolean; last_error: string }>(
      'SELECT attempts, dead, last_error FROM tavern_timed_events',
    )
    expect(dead).toEqual({ attempts: 5, dead: true, last_error: 'Error: nope 4' })
    clock.advance(3_600_000)
    expect(await s.runDue()).toBe(0)
    expect(outcomes).toEqual(['retry', 'done', 'retry', 'retry', 'retry', 'dead'])
    expect(await count(db, 'test_results')).toBe(1)
    // Scheduling the key again revives it.
    await s.at('test.flaky', clock.now(), null, { key: 'k' })
    expect((await db.query('SELECT attempts, dead FROM tavern_timed_events'))[0]).toEqual({
      attempts: 0,
      dead: false,
    })
  })

  it('leaves kinds it has no handler for, and logs each once', async () => {
    const lines: Array<{ msg: string; kind?: string }> = []
    const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) })
    const s = createScheduler({ sql: db, clock, log, processId: 't', handlers: { 'test.mine': record } })
    for (let i = 0; i < 60; i++) await s.at('test.theirs', T0 - 1000 + i, { i })
    await s.at('test.mine', T0, null)
    // The foreign events are older and more numerous than a batch: they must not starve ours.
    expect(await s.runDue()).toBe(1)
    expect(await count(db, 'tavern_timed_events')).toBe(60)
    s.start()
    await new Promise((r) => setTimeout(r, 400))
    await s.stop()
    const s2 = createScheduler({
      sql: db,
      clock,
      log,
      processId: 't',
      pollMs: 20,
      handlers: { 'test.mine': record },
    })
    s2.start()
    await new Promise((r) => setTimeout(r, 200))
    await s2.stop()
    const warned = lines.filter((l) => l.kind === 'test.theirs')
    // One per scheduler instance, however many polls ran.
    expect(warned.length).toBe(2)
  })

  it('the poller runs due events on its own and exports outcome metrics', async () => {
    const registry = new Registry()
    const s = scheduler(db, clock, { 'test.ping': record }, { pollMs: 20, metrics: registry })
    s.start()
    for (let i = 0; i < 120; i++) await s.at('test.ping', T0 - i, { i })
    const deadline = Date.now() + 10_000
    while ((await count(db, 'test_results')) < 120 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    await s.stop()
    expect(await count(db, 'test_results')).toBe(120)
    expect(await registry.metrics()).toMatch(
      /tavern_timed_events_total\{kind="test.ping",outcome="done"\} 120/,
    )
  })

  it('runs 300 due events exactly once on one scheduler', async () => {
    const s = scheduler(db, clock, { 'test.ping': record }, { batchSize: 50 })
    await db.query(
      `INSERT INTO tavern_timed_events (kind, run_at, payload, created_at)
       SELECT 'test.ping', $1::int8 - g, to_jsonb(g), $1::int8 FROM generate_series(1, 300) g`,
      [T0],
    )
    expect(await s.runDue()).toBe(300)
    expect(await count(db, 'test_results')).toBe(300)
    expect(
      Number((await db.query('SELECT count(DISTINCT event_id)::int AS n FROM test_results'))[0]?.n),
    ).toBe(300)
    expect(await count(db, 'tavern_timed_events')).toBe(0)
  })
})
