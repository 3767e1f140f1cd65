import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../src/clock.ts'
import { schedulerMigrations } from '../src/scheduler/migrations.ts'
import { createScheduler, type SchedulerRuntime } from '../src/scheduler/scheduler.ts'
import { migrate } from '../src/storage/migrate.ts'
import { postgresDatabase } from '../src/storage/postgres.ts'
import type { Database } from '../src/storage/sql.ts'
import { openTestDatabase, testDatabaseUrl } from '../src/testing/stack.ts'
import { count, silent } from './state-fixtures.ts'

const T0 = 1_700_000_000_000
const EVENTS = 300

async function prepare(db: Database): Promise<void> {
  await migrate(db, [{ module: 'tavern', migrations: schedulerMigrations }])
  await db.exec('CREATE TABLE test_results (event_id int8 NOT NULL, process text NOT NULL)')
  await db.query(
    `INSERT INTO tavern_timed_events (kind, run_at, payload, created_at)
     SELECT 'test.once', $1::int8 - g, to_jsonb(g), $1::int8 FROM generate_series(1, $2::int) g`,
    [T0, EVENTS],
  )
}

/** One "process": its own pool, its own scheduler, recording every run inside the claiming transaction. */
function fakeProcess(name: string, sql: Database): SchedulerRuntime {
  return createScheduler({
    sql,
    clock: new ManualClock(T0),
    log: silent,
    processId: name,
    pollMs: 5,
    batchSize: 10,
    handlers: {
      'test.once': async (event, tx) => {
        await tx.query('INSERT INTO test_results (event_id, process) VALUES ($1, $2)', [event.id, name])
        // Hold the claim a little so the other processes' polls overlap this transaction.
        await new Promise((r) => setTimeout(r, Math.random() * 2))
      },
    },
  })
}

async function runUntilEmpty(db: Database, schedulers: SchedulerRuntime[]): Promise<void> {
  for (const s of schedulers) s.start()
  const deadline = Date.now() + 30_000
  while ((await count(db, 'tavern_timed_events')) > 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 25))
  await Promise.all(schedulers.map((s) => s.stop()))
}

async function expectExactlyOnce(db: Database): Promise<Record<string, number>> {
  expect(await count(db, 'tavern_timed_events')).toBe(0)
  expect(await count(db, 'test_results')).toBe(EVENTS)
  const [distinct] = await db.query<{ n: number }>(
    'SELECT count(DISTINCT event_id)::int AS n FROM test_results',
  )
  expect(distinct?.n).toBe(EVENTS)
  const per = await db.query<{ process: string; n: number }>(
    'SELECT process, count(*)::int AS n FROM test_results GROUP BY process ORDER BY process',
  )
  return Object.fromEntries(per.map((r) => [r.process, r.n]))
}

describe('timed events run exactly once with several processes (PostgreSQL)', () => {
  let db: Database
  const pools: Database[] = []

  beforeAll(async () => {
    db = await openTestDatabase('postgres')
    await prepare(db)
    const [row] = await db.query<{ schema: string }>('SELECT current_schema() AS schema')
    for (let i = 0; i < 3; i++)
      pools.push(postgresDatabase({ url: testDatabaseUrl(), searchPath: row?.schema, max: 2 }))
  })
  afterAll(async () => {
    for (const p of pools) await p.close()
    await db?.close()
  })

  it(`${EVENTS} due events, 3 schedulers on 3 pools: each event ran once`, async () => {
    const schedulers = pools.map((pool, i) => fakeProcess(`p${i + 1}`, pool))
    await runUntilEmpty(db, schedulers)
    const per = await expectExactlyOnce(db)
    // The work was shared: with batches of 10 and 5 ms polls, more than one process claims events.
    expect(Object.keys(per).length).toBeGreaterThan(1)
  })
})

describe('timed events run exactly once on PGlite', () => {
  let db: Database

  beforeAll(async () => {
    db = await openTestDatabase('pglite')
    await prepare(db)
  })
  afterAll(async () => {
    await db?.close()
  })

  it(`${EVENTS} due events, one scheduler on the single connection`, async () => {
    await runUntilEmpty(db, [fakeProcess('solo', db)])
    expect(await expectExactlyOnce(db)).toEqual({ solo: EVENTS })
  })
})
