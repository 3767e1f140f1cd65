import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { migrate } from '../src/storage/migrate.ts'
import { postgresDatabase } from '../src/storage/postgres.ts'
import type { Database, Migration } from '../src/storage/sql.ts'
import { openTestDatabase, type TestDatabaseKind, testDatabaseUrl } from '../src/testing/stack.ts'

const accounts: Migration[] = [
  // Listed out of order on purpose: ids decide the order.
  { id: '0002_email', sql: `ALTER TABLE accounts ADD COLUMN email text` },
  { id: '0001_accounts', sql: `CREATE TABLE accounts (id int8 PRIMARY KEY, name text NOT NULL)` },
]
const characters: Migration[] = [
  {
    id: '0001_characters',
    sql: `CREATE TABLE characters (id int8 PRIMARY KEY, account_id int8 NOT NULL REFERENCES accounts (id));
          CREATE INDEX characters_account ON characters (account_id);`,
  },
]

describe.each<TestDatabaseKind>(['pglite', 'postgres'])('migrate (%s)', (kind) => {
  let db: Database
  beforeAll(async () => {
    db = await openTestDatabase(kind)
  })
  afterAll(async () => {
    await db?.close()
  })
  // An empty schema per test, cheaper than a database per test.
  beforeEach(async () => {
    const [{ schema }] = (await db.query<{ schema: string }>(`SELECT current_schema() AS schema`)) as [
      { schema: string },
    ]
    await db.exec(`DROP SCHEMA "${schema}" CASCADE; CREATE SCHEMA "${schema}";`)
  })

  it('applies pending migrations in order, once, and records them', async () => {
    const plan = [
      { module: 'accounts', migrations: accounts },
      { module: 'characters', migrations: characters },
    ]
    const applied = await migrate(db, plan, { now: () => 1234 })
    expect(applied).toEqual([
      { module: 'accounts', id: '0001_accounts' },
      { module: 'accounts', id: '0002_email' },
      { module: 'characters', id: '0001_characters' },
    ])
    expect(await migrate(db, plan)).toEqual([])
    const rows = await db.query(`SELECT module, id, applied_at FROM tavern_migrations ORDER BY module, id`)
    expect(rows).toEqual(applied.map((a) => ({ ...a, applied_at: 1234 })))
    await db.query(`INSERT INTO accounts (id, name, email) VALUES (1, 'a', 'a@example.org')`)
    // A new migration added later is the only one applied.
    const later = [
      ...plan,
      { module: 'items', migrations: [{ id: '0001', sql: 'CREATE TABLE items (id int8)' }] },
    ]
    expect(await migrate(db, later)).toEqual([{ module: 'items', id: '0001' }])
  })

  it('rejects duplicate ids and modules before applying anything', async () => {
    const dup = [
      { id: '0001', sql: 'CREATE TABLE a (x int)' },
      { id: '0001', sql: 'CREATE TABLE b (x int)' },
    ]
    await expect(migrate(db, [{ module: 'm', migrations: dup }])).rejects.toThrow(
      /two migrations with id 0001/,
    )
    await expect(
      migrate(db, [
        { module: 'm', migrations: [dup[0]!] },
        { module: 'm', migrations: [] },
      ]),
    ).rejects.toThrow(/appears twice/)
    const tables = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name IN ('a', 'b')
      AND table_schema = current_schema()`)
    expect(tables).toEqual([])
  })

  it('rolls a failing migration back whole and names it', async () => {
    const broken: Migration[] = [
      { id: '0001', sql: 'CREATE TABLE good (x int)' },
      { id: '0002', sql: 'CREATE TABLE half (x int); INSERT INTO nowhere VALUES (1);' },
    ]
    await expect(migrate(db, [{ module: 'm', migrations: broken }])).rejects.toThrow(
      /migration m\/0002 failed/,
    )
    expect(await db.query(`SELECT id FROM tavern_migrations`)).toEqual([{ id: '0001' }])
    const half = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half'
      AND table_schema = current_schema()`)
    expect(half).toEqual([])
    const fixed = [broken[0]!, { id: '0002', sql: 'CREATE TABLE half (x int)' }]
    expect(await migrate(db, [{ module: 'm', migrations: fixed }])).toEqual([{ module: 'm', id: '0002' }])
  })

  it('applies each migration once when two processes boot together', async () => {
    // A second handle on the same data: another pool on the same schema, or the same PGlite.
    let other: Database = db
    if (kind === 'postgres') {
      const [{ schema }] = (await db.query<{ schema: string }>(`SELECT current_schema() AS schema`)) as [
        { schema: string },
      ]
      other = postgresDatabase({ url: testDatabaseUrl(), searchPath: schema, max: 2 })
    }
    try {
      // CREATE TABLE without IF NOT EXISTS fails if it runs twice; pg_sleep widens the race window.
      const slow: Migration[] = Array.from({ length: 4 }, (_, i) => ({
        id: `000${i}`,
        sql: `SELECT pg_sleep(0.02); CREATE TABLE race_${i} (x int);`,
      }))
      const plan = [{ module: 'race', migrations: slow }]
      const [a, b] = await Promise.all([migrate(db, plan), migrate(other, plan)])
      const ids = [...a, ...b].map((m) => m.id).sort()
      expect(ids).toEqual(['0000', '0001', '0002', '0003'])
      expect(await db.query(`SELECT count(*) AS n FROM tavern_migrations`)).toEqual([{ n: 4 }])
    } finally {
      if (other !== db) await other.close()
    }
  })
})
