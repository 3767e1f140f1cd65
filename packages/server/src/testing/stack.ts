import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { createMemoryBroker, type MemoryBroker, MemoryBus } from '../hot/bus-memory.ts'
import { ValkeyBus } from '../hot/bus-valkey.ts'
import { MemoryHotStore, type MemoryKeyspace } from '../hot/memory.ts'
import type { Bus, HotStore } from '../hot/types.ts'
import { deleteKeysWithPrefix, ValkeyHotStore } from '../hot/valkey.ts'
import { createPglite, pgliteDatabase } from '../storage/pglite.ts'
import { postgresDatabase } from '../storage/postgres.ts'
import type { Database } from '../storage/sql.ts'

/** The environment variable naming the blank PGlite dump the global setup writes once per run. */
export const PGLITE_TEMPLATE_ENV = 'TAVERN_TEST_PGLITE_TEMPLATE'

export type TestDatabaseKind = 'pglite' | 'postgres'
export type TestHotKind = 'memory' | 'valkey'

/** The services integration tests run on; one stack per run, chosen by `TAVERN_TEST_STACK`. */
export interface TestStackKind {
  readonly name: 'embedded' | 'services'
  readonly db: TestDatabaseKind
  readonly hot: TestHotKind
}

/** Reads `TAVERN_TEST_STACK`: `embedded` (default: PGlite + memory) or `services` (PostgreSQL + Valkey). */
export function testStackKind(): TestStackKind {
  const name = process.env.TAVERN_TEST_STACK ?? 'embedded'
  if (name === 'embedded') return { name, db: 'pglite', hot: 'memory' }
  if (name === 'services') return { name, db: 'postgres', hot: 'valkey' }
  throw new Error(`TAVERN_TEST_STACK must be 'embedded' or 'services', not '${name}'`)
}

/** The PostgreSQL tests use (`TAVERN_TEST_DATABASE_URL`). */
export function testDatabaseUrl(): string {
  return process.env.TAVERN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
}

/** The Valkey/Redis tests use (`TAVERN_TEST_VALKEY_URL`). */
export function testValkeyUrl(): string {
  return process.env.TAVERN_TEST_VALKEY_URL ?? 'redis://127.0.0.1:6379'
}

/** A name no other test or run uses: lowercase letters, digits and `_`, so it is a valid SQL identifier too. */
export function uniqueTestName(label = 't'): string {
  return `${label}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
}

/** Initialises a blank PGlite and dumps it to `file` (written whole, then renamed into place). */
export async function writePgliteTemplate(file: string): Promise<void> {
  const db = await createPglite(undefined)
  try {
    const dump = await db.dumpDataDir('none')
    const tmp = `${file}.${process.pid}.tmp`
    await writeFile(tmp, new Uint8Array(await dump.arrayBuffer()))
    await rename(tmp, file)
  } finally {
    await db.close()
  }
}

/**
 * Where the blank PGlite dump is kept between runs: keyed by the installed PGlite version, because a data
 * directory made by one version may not open under another. Made on first use (by the global setup).
 */
export async function ensurePgliteTemplate(): Promise<string> {
  const preset = process.env[PGLITE_TEMPLATE_ENV]
  if (preset && existsSync(preset)) return preset
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite')
  const pkg = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string
  }
  const file = join(tmpdir(), `tavern-pglite-template-${pkg.version}.tar`)
  if (!existsSync(file)) await writePgliteTemplate(file)
  process.env[PGLITE_TEMPLATE_ENV] = file
  return file
}

let template: Promise<Blob> | undefined

/** The template dump, read once per worker. */
function pgliteTemplate(): Promise<Blob> {
  template ??= ensurePgliteTemplate().then(async (file) => new Blob([await readFile(file)]))
  return template
}

/**
 * Drops test schemas older than `maxAgeMs` that a crashed run left behind (their names carry their creation time).
 * Best effort: without a reachable PostgreSQL there is nothing to clean.
 */
export async function dropStaleTestSchemas(maxAgeMs = 6 * 3600_000): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl(), connectionTimeoutMillis: 1000 })
  client.on('error', () => {})
  try {
    await client.connect()
    const { rows } = await client.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'tavern\\_test\\_%'`,
    )
    for (const { name } of rows) {
      const born = Number.parseInt(name.split('_')[2] ?? '', 36)
      if (/^[a-z0-9_]+$/.test(name) && born > 0 && Date.now() - born > maxAgeMs) {
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`)
      }
    }
  } catch {
    // Not reachable, or another run dropped it first.
  } finally {
    await client.end().catch(() => {})
  }
}

export interface TestDatabaseOptions {
  onQuery?: (ms: number, ok: boolean) => void
}

/**
 * A blank database of its own: PGlite in memory, cloned from the run's template; or a fresh PostgreSQL schema.
 * `close()` also throws the copy or the schema away.
 */
export async function openTestDatabase(
  kind: TestDatabaseKind,
  opts: TestDatabaseOptions = {},
): Promise<Database> {
  if (kind === 'pglite') {
    const db = await createPglite(undefined, { loadDataDir: await pgliteTemplate() })
    return pgliteDatabase(db, { onQuery: opts.onQuery })
  }
  const url = testDatabaseUrl()
  const schema = uniqueTestName('tavern_test')
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`CREATE SCHEMA ${schema}`)
  } finally {
    await admin.end()
  }
  return postgresDatabase({
    url,
    max: 4,
    searchPath: schema,
    onQuery: opts.onQuery,
    onClose: async () => {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        await c.end()
      }
    },
  })
}

export interface TestHotStoreOptions {
  /** Defaults to a unique prefix; pass one explicitly to let several stores (kernels) share keys. */
  prefix?: string
  /** Memory only: share one keyspace between several stores. */
  keyspace?: MemoryKeyspace
  onCommand?: (ms: number, ok: boolean) => void
}

/** A hot store isolated by a unique key prefix; on Valkey, `close()` deletes every key under it. */
export async function openTestHotStore(kind: TestHotKind, opts: TestHotStoreOptions = {}): Promise<HotStore> {
  const prefix = opts.prefix ?? `${uniqueTestName('tavern_test')}:`
  if (kind === 'memory')
    return new MemoryHotStore({ prefix, keyspace: opts.keyspace, onCommand: opts.onCommand })
  const url = testValkeyUrl()
  const store = new ValkeyHotStore({ url, prefix, onCommand: opts.onCommand })
  await store.ping()
  const close = store.close.bind(store)
  store.close = async () => {
    try {
      await deleteKeysWithPrefix(url, prefix)
    } finally {
      await close()
    }
  }
  return store
}

export interface TestBusOptions {
  /** Defaults to a unique prefix; pass one explicitly to let several buses (kernels) talk. */
  prefix?: string
  /** Memory only: the broker several buses share; defaults to a new one. */
  broker?: MemoryBroker
}

/** A bus isolated by a unique channel prefix. */
export async function openTestBus(kind: TestHotKind, opts: TestBusOptions = {}): Promise<Bus> {
  const prefix = opts.prefix ?? `${uniqueTestName('tavern_test')}:`
  if (kind === 'memory') return new MemoryBus(opts.broker ?? createMemoryBroker(), { prefix })
  const bus = new ValkeyBus({ url: testValkeyUrl(), prefix })
  await bus.ready()
  return bus
}
