import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TavernClient } from '@tavern/client'
import { testDatabaseUrl, testValkeyUrl, uniqueTestName } from '@tavern/server/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { uniqueName } from './helpers.ts'
import { startServerProcess } from './process.ts'

const cheapAccounts = {
  TAVERN_ACCOUNTS_ARGON2_MEMORY_COST: '64',
  TAVERN_ACCOUNTS_ARGON2_TIME_COST: '1',
  TAVERN_ACCOUNTS_JWT_SECRET: 'a-test-secret-that-is-long-enough-for-hs256',
}

function client(url: string) {
  return new TavernClient({ url, WebSocket: WebSocket as never, reconnect: { enabled: false } })
}

describe('a real server process on PostgreSQL + Redis, killed with SIGKILL', () => {
  const dbName = uniqueTestName('tavern_kill')
  const admin = new pg.Client({ connectionString: testDatabaseUrl() })
  const databaseUrl = (() => {
    const u = new URL(testDatabaseUrl())
    u.pathname = `/${dbName}`
    return u.toString()
  })()
  const env = {
    ...cheapAccounts,
    DATABASE_URL: databaseUrl,
    VALKEY_URL: testValkeyUrl(),
    TAVERN_HOT_PREFIX: `${dbName}:`,
    // Nothing reaches PostgreSQL on the timer: only the hot store holds the acknowledged chat lines.
    TAVERN_FLUSH_INTERVAL_MS: '600000',
    TAVERN_DATA_DIR: mkdtempSync(join(tmpdir(), 'tavern-kill-')),
  }

  beforeAll(async () => {
    await admin.connect()
    await admin.query(`CREATE DATABASE ${dbName}`)
  })
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
    await admin.end()
    rmSync(env.TAVERN_DATA_DIR, { recursive: true, force: true })
  })

  it('loses nothing that was acknowledged', async () => {
    const first = await startServerProcess(env)
    const name = uniqueName('k')
    const a = client(first.url)
    await a.register(name, 'correct horse battery')
    await a.connect()
    const sent: string[] = []
    for (let i = 0; i < 3; i++) {
      const text = `line ${i} before the crash`
      await a.request('chat.send', { channel: 'global', text })
      sent.push(text)
    }
    first.child.kill('SIGKILL')
    await first.exited
    a.close()

    // Not in PostgreSQL yet: the proof depends on the hot store alone.
    const db = new pg.Client({ connectionString: databaseUrl })
    await db.connect()
    const before = await db.query('SELECT count(*)::int AS n FROM chat_messages')
    expect(before.rows[0].n).toBe(0)

    const second = await startServerProcess(env)
    const after = await db.query('SELECT text FROM chat_messages ORDER BY id')
    expect(after.rows.map((r) => r.text)).toEqual(sent) // the start-up recovery flush wrote them, once
    const b = client(second.url)
    await b.login(name, 'correct horse battery')
    await b.connect()
    const history = await b.request('chat.history', { channel: 'global', limit: 10 })
    expect(history.messages.map((m) => m.text).reverse()).toEqual(sent)
    b.close()

    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
    await db.end()
  }, 120_000)
})

describe('a real embedded server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tavern-embedded-'))
  const env = { ...cheapAccounts, TAVERN_DATA_DIR: dataDir }
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('refuses a second process on the same data directory, survives SIGKILL, and keeps accounts', async () => {
    const first = await startServerProcess(env)
    const second = startServerProcess(env)
    await expect(second).rejects.toThrow(/another Tavern process \(pid \d+\) is using/)

    const name = uniqueName('e')
    const c = client(first.url)
    await c.register(name, 'correct horse battery')
    first.child.kill('SIGKILL')
    await first.exited

    // The lock of the killed process is stale: a new process takes it over and finds the account.
    const third = await startServerProcess(env)
    const again = client(third.url)
    await expect(again.login(name, 'correct horse battery')).resolves.toMatchObject({
      user: { username: name },
    })
    expect(await fetch(`${third.url}/readyz`).then((r) => r.status)).toBe(200)
    third.child.kill('SIGTERM')
    expect(await third.exited).toBe(0)
  }, 120_000)
})
