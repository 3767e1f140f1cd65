import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPgliteThread } from '../src/storage/pglite-thread.ts'
import type { Database } from '../src/storage/sql.ts'
import { openTestDatabase } from '../src/testing/stack.ts'

const deferred = () => {
  let open!: () => void
  const gate = new Promise<void>((r) => {
    open = r
  })
  return { gate, open }
}

// PGlite in this thread (the test stack's), PGlite in a worker thread (what `npm start` runs) and PostgreSQL.
describe.each(['pglite', 'pglite-thread', 'postgres'] as const)('Sql contract (%s)', (kind) => {
  let db: Database
  const timings: boolean[] = []

  beforeAll(async () => {
    const onQuery = (ms: number, ok: boolean) => timings.push(ms >= 0 && ok)
    db =
      kind === 'pglite-thread'
        ? await openPgliteThread(undefined, { onQuery })
        : await openTestDatabase(kind, { onQuery })
    await db.exec(`
      CREATE TABLE items (id int8 PRIMARY KEY, name text NOT NULL UNIQUE, data jsonb, qty int4, price numeric(12, 2),
        flag boolean, at timestamptz, tags text[]);
      CREATE TABLE jobs (id int8 PRIMARY KEY, claimed_by text);
      INSERT INTO jobs (id) SELECT g FROM generate_series(1, 4) g;
    `)
  })
  afterAll(async () => {
    await db?.close()
  })

  it('names its dialect', () => {
    expect(db.dialect).toBe(kind === 'postgres' ? 'postgres' : 'pglite')
  })

  it('round-trips every type the same way', async () => {
    const big = Date.now() * 1000
    const text = `it's "quoted" \\ back\\slash, ünïcødé ✓ 🐉`
    await db.query(
      `INSERT INTO items (id, name, data, qty, price, flag, at, tags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        big,
        text,
        { nested: { a: [1, 'two', null] }, s: text },
        7,
        '12.50',
        true,
        new Date(1_700_000_000_000),
        ['a', 'b,c'],
      ],
    )
    const [row] = await db.query(`SELECT * FROM items WHERE id = $1`, [big])
    expect(row).toEqual({
      id: big,
      name: text,
      data: { nested: { a: [1, 'two', null] }, s: text },
      qty: 7,
      price: '12.50',
      flag: true,
      at: new Date(1_700_000_000_000),
      tags: ['a', 'b,c'],
    })
    const [agg] = await db.query(
      `SELECT count(*) AS n, sum(id) AS s, array[1, 2]::int8[] AS ids, 1.5::float8 AS f, NULL::text AS nothing,
        $1::jsonb AS arr, $2::jsonb AS str, $3::text AS undef FROM items`,
      [JSON.stringify([1, { x: 2 }]), JSON.stringify('s'), undefined],
    )
    // sum(int8) is numeric: a string on both, like every numeric.
    expect(agg).toEqual({
      n: 1,
      s: String(big),
      ids: [1, 2],
      f: 1.5,
      nothing: null,
      arr: [1, { x: 2 }],
      str: 's',
      undef: null,
    })
    await db.query(`DELETE FROM items`)
  })

  it('reports errors with their SQLSTATE code', async () => {
    await db.query(`INSERT INTO items (id, name) VALUES (1, 'dup')`)
    const err = await db.query(`INSERT INTO items (id, name) VALUES (2, 'dup')`).catch((e: unknown) => e)
    expect((err as { code?: string }).code).toBe('23505')
    await expect(db.query(`SELECT nope FROM items`)).rejects.toThrow()
    await db.query(`DELETE FROM items`)
  })

  it('commits a transaction and returns its value', async () => {
    const out = await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO items (id, name) VALUES (1, 'a')`)
      await tx.query(`INSERT INTO items (id, name) VALUES (2, 'b')`)
      return (await tx.query<{ n: number }>(`SELECT count(*) AS n FROM items`))[0]!.n
    })
    expect(out).toBe(2)
    expect(await db.query(`SELECT id FROM items ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }])
    await db.query(`DELETE FROM items`)
  })

  it('rolls back when the function throws, and after a failed statement', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO items (id, name) VALUES (1, 'a')`)
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO items (id, name) VALUES (1, 'a')`)
        await tx.query(`INSERT INTO items (id, name) VALUES (2, 'a')`)
      }),
    ).rejects.toMatchObject({ code: '23505' })
    expect(await db.query(`SELECT * FROM items`)).toEqual([])
  })

  it('reuses the outer transaction in nested calls and on the database handle', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO items (id, name) VALUES (1, 'outer')`)
        await tx.transaction(async (inner) => {
          expect(await inner.query(`SELECT name FROM items`)).toEqual([{ name: 'outer' }])
          await inner.query(`INSERT INTO items (id, name) VALUES (2, 'inner')`)
        })
        // A helper that reaches for the database handle joins the transaction instead of deadlocking.
        await db.transaction(async (again) =>
          again.query(`INSERT INTO items (id, name) VALUES (3, 'handle')`),
        )
        expect(await db.query(`SELECT count(*) AS n FROM items`)).toEqual([{ n: 3 }])
        throw new Error('undo all three')
      }),
    ).rejects.toThrow('undo all three')
    expect(await db.query(`SELECT * FROM items`)).toEqual([])
  })

  it('never shows a concurrent query half a transaction', async () => {
    const { gate, open } = deferred()
    const inTx = deferred()
    let committed = false
    const tx = db.transaction(async (t) => {
      await t.query(`INSERT INTO items (id, name) VALUES (1, 'first')`)
      inTx.open()
      await gate
      await t.query(`INSERT INTO items (id, name) VALUES (2, 'second')`)
      committed = true
    })
    await inTx.gate
    let resolvedBeforeCommit = false
    const outside = db.query<{ n: number }>(`SELECT count(*) AS n FROM items`).then((rows) => {
      resolvedBeforeCommit = !committed
      return rows[0]!.n
    })
    await new Promise((r) => setTimeout(r, 50))
    open()
    await tx
    const n = await outside
    if (kind !== 'postgres') {
      // One connection: the outside query waits for the transaction to end.
      expect(resolvedBeforeCommit).toBe(false)
      expect(n).toBe(2)
    } else {
      // Another connection: it runs at once and sees the state before the transaction.
      expect(n).toBe(0)
    }
    await db.query(`DELETE FROM items`)
  })

  it('accepts FOR UPDATE SKIP LOCKED and hands each job to one claimer', async () => {
    const claim = (who: string) =>
      db.transaction(async (tx) => {
        const rows = await tx.query<{ id: number }>(
          `SELECT id FROM jobs WHERE claimed_by IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        )
        if (!rows[0]) return null
        await new Promise((r) => setTimeout(r, 10))
        await tx.query(`UPDATE jobs SET claimed_by = $1 WHERE id = $2`, [who, rows[0].id])
        return rows[0].id
      })
    const ids = await Promise.all(['a', 'b', 'c', 'd', 'e'].map(claim))
    expect(ids.filter((x) => x !== null).sort()).toEqual([1, 2, 3, 4])
    expect(ids.filter((x) => x === null)).toHaveLength(1)
  })

  it('runs multi-statement scripts and reports query timings', async () => {
    await db.exec(`CREATE TABLE s1 (x int8); INSERT INTO s1 VALUES (1), (2); DROP TABLE s1;`)
    await db.query('SELECT 1').catch(() => {})
    await db.query('SELECT broken syntax(').catch(() => {})
    expect(timings.slice(-2)).toEqual([true, false])
  })
})
