import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { testDatabaseUrl, testStackKind, testValkeyUrl, uniqueTestName } from '@tavern/server/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
const services = testStackKind().name === 'services'

// The world benchmark in its CI-sized form (--quick: 50 bots against Tavern, then against the bare transport
// floor), on the stack under test: on PostgreSQL + Valkey it gets a database and a key prefix of its own.
describe('world benchmark, CI-sized', () => {
  const dbName = uniqueTestName('tavern_bench')
  const admin = new pg.Client({ connectionString: testDatabaseUrl() })
  const env: Record<string, string> = { DATABASE_URL: '', VALKEY_URL: '' }
  beforeAll(async () => {
    if (!services) return
    await admin.connect()
    await admin.query(`CREATE DATABASE ${dbName}`)
    const u = new URL(testDatabaseUrl())
    u.pathname = `/${dbName}`
    Object.assign(env, {
      DATABASE_URL: u.toString(),
      VALKEY_URL: testValkeyUrl(),
      TAVERN_HOT_PREFIX: `${dbName}:`,
    })
  })
  afterAll(async () => {
    if (!services) return
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
    await admin.end()
  })

  it('plays 50 bots against Tavern and the floor and prints one JSON line with both', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/world.ts', '--quick'], {
      cwd: root,
      timeout: 110_000,
      env: { ...process.env, ...env },
    })
    const lines = stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const r = JSON.parse(lines[0]!) as {
      quick: boolean
      stores: string
      steps: Array<Record<string, unknown> & { moveToUpdateMs: { n: number; p99: number } }>
      floor: { steps: Array<Record<string, unknown> & { moveToUpdateMs: { n: number } }> }
    }
    expect(r).toMatchObject({ quick: true, stores: services ? 'postgres+valkey' : 'embedded' })
    const [step] = r.steps
    expect(step).toMatchObject({ clients: 50, inWorld: 50 })
    // Every bot walked and was answered; updates arrived at about the send rate.
    expect(step!.moveToUpdateMs.n).toBeGreaterThan(200)
    expect(step!.msgsPerClientPerSec).toBeGreaterThan(8)
    expect(step!.serverCpuPer1000Clients).toBeGreaterThan(0)
    expect(step!.floorCpuPer1000Clients).toBeGreaterThan(0)
    expect(r.floor.steps[0]).toMatchObject({ clients: 50 })
    expect(r.floor.steps[0]!.moveToUpdateMs.n).toBeGreaterThan(200)
  }, 120_000)
})
