import pino from 'pino'
import { ManualClock } from '../src/clock.ts'
import type { HotOp, HotStore } from '../src/hot/types.ts'
import { createStateLayer, type StateLayerOptions, type StateLayerRuntime } from '../src/state/layer.ts'
import type { JournalSpec, StateKindSpec } from '../src/state/types.ts'
import { bulkInsert, bulkUpsert } from '../src/storage/bulk.ts'
import type { Sql } from '../src/storage/sql.ts'

export const silent = pino({ level: 'silent' })

/** The two stacks every state and scheduler suite runs against. */
export const stacks = [
  { db: 'pglite', hot: 'memory' },
  { db: 'postgres', hot: 'valkey' },
] as const

export interface Player {
  name: string
  hp: number
}

/** Durable tables of the test kinds; each suite creates them once in its own database. */
export const testSchema = `
CREATE TABLE test_players (id text PRIMARY KEY, name text NOT NULL, hp int NOT NULL);
CREATE TABLE test_chat (id text PRIMARY KEY, body text NOT NULL, at int8 NOT NULL);
`

/** A kind backed by `test_players`; `hooks.beforeSave` lets a test stall or break a save. */
export function playerSpec(
  hooks: { beforeSave?: (rows: number) => Promise<void> | void } = {},
): StateKindSpec<Player> {
  return {
    kind: 'test.player',
    async load(ids, sql) {
      const rows = await sql.query<{ id: string; name: string; hp: number }>(
        'SELECT id, name, hp FROM test_players WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))',
        [JSON.stringify(ids)],
      )
      return new Map(rows.map((r) => [r.id, { name: r.name, hp: Number(r.hp) }]))
    },
    async save(rows, tx) {
      await hooks.beforeSave?.(rows.length)
      await bulkUpsert(tx, {
        table: 'test_players',
        columns: { id: 'text', name: 'text', hp: 'int4' },
        key: ['id'],
        rows: rows.map((r) => ({ id: r.id, ...r.value })),
      })
    },
  }
}

// A type alias (not an interface) so rows fit the bulk helpers' Record<string, unknown>.
export type ChatLine = {
  id: string
  body: string
  at: number
}

export function chatJournal(hooks: { beforeSave?: () => Promise<void> | void } = {}): JournalSpec<ChatLine> {
  return {
    kind: 'test.chat',
    async save(rows, tx) {
      await hooks.beforeSave?.()
      // Rows carry their own ids: a batch re-read after a crash between commit and trim inserts nothing twice.
      await bulkInsert(tx, { table: 'test_chat', columns: { id: 'text', body: 'text', at: 'int8' }, rows })
    },
  }
}

export function layer(hot: HotStore, sql: Sql, extra: Partial<StateLayerOptions> = {}): StateLayerRuntime {
  return createStateLayer({
    hot,
    sql,
    clock: new ManualClock(),
    log: silent,
    processId: 'test',
    // Tests flush by hand; the periodic round must not interfere unless a test asks for it.
    flushIntervalMs: 3_600_000,
    leaseTtlMs: 2_000,
    leaseWaitMs: 5_000,
    ...extra,
  })
}

/** A hot store that counts round trips and can fail chosen commands, e.g. to simulate a crash before a trim. */
export function instrumented(hot: HotStore): HotStore & {
  calls: Map<string, number>
  multis: HotOp[][]
  failNext(command: string, times?: number): void
} {
  const calls = new Map<string, number>()
  const multis: HotOp[][] = []
  const failures = new Map<string, number>()
  const proxy = new Proxy(hot, {
    get(target, prop, receiver) {
      if (prop === 'calls') return calls
      if (prop === 'multis') return multis
      if (prop === 'failNext')
        return (command: string, times = 1) => {
          failures.set(command, times)
        }
      const v = Reflect.get(target, prop, receiver)
      if (typeof v !== 'function' || typeof prop !== 'string') return v
      return (...args: unknown[]) => {
        calls.set(prop, (calls.get(prop) ?? 0) + 1)
        if (prop === 'multi') multis.push(args[0] as HotOp[])
        const left = failures.get(prop) ?? 0
        if (left > 0) {
          failures.set(prop, left - 1)
          return Promise.reject(new Error(`simulated failure of ${prop}`))
        }
        return (v as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return proxy as HotStore & {
    calls: Map<string, number>
    multis: HotOp[][]
    failNext(command: string, times?: number): void
  }
}

export async function count(sql: Sql, table: string): Promise<number> {
  const rows = await sql.query<{ n: number | string }>(`SELECT count(*)::int AS n FROM ${table}`)
  return Number(rows[0]?.n)
}
