import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acquireDirLock } from '../src/storage/lock.ts'
import { openDatabase } from '../src/storage/open.ts'
import { testDatabaseUrl } from '../src/testing/stack.ts'

const run = promisify(execFile)
const openTs = fileURLToPath(new URL('../src/storage/open.ts', import.meta.url))
const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)))

/** A pid that no process has: one of a child that already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  await new Promise((r) => child.on('exit', r))
  return child.pid!
}

describe('PGlite directory lock', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tavern-lock-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps a second process out, releases on close, and takes over a stale lock', async () => {
    const db = await openDatabase({ dataDir: dir })
    try {
      expect(db.dialect).toBe('pglite')
      await db.exec(`CREATE TABLE kept (x int8); INSERT INTO kept VALUES (42);`)
      expect((await readFile(join(dir, 'pglite.lock'), 'utf8')).trim()).toBe(String(process.pid))

      const script = join(dir, 'second.mts')
      await writeFile(
        script,
        `import { openDatabase } from ${JSON.stringify(openTs)}
await openDatabase({ dataDir: ${JSON.stringify(dir)} })
console.log('opened')
`,
      )
      // Another Node process running TypeScript through tsx's loader (one process, unlike `npx tsx`).
      const second = await run(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      )
      expect(second.code).not.toBe(0)
      expect(second.out).toContain(
        `another Tavern process (pid ${process.pid}) is using ${dir}; stop it or set DATABASE_URL`,
      )
      expect(second.out).not.toContain('opened')

      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/already has .* open/)
    } finally {
      await db.close()
    }
    expect(existsSync(join(dir, 'pglite.lock'))).toBe(false)

    // A process that died without closing leaves its lock behind.
    await writeFile(join(dir, 'pglite.lock'), `${await deadPid()}\n`)
    const again = await openDatabase({ dataDir: dir })
    try {
      expect(await again.query(`SELECT x FROM kept`)).toEqual([{ x: 42 }])
      expect((await readFile(join(dir, 'pglite.lock'), 'utf8')).trim()).toBe(String(process.pid))
    } finally {
      await again.close()
    }
  })

  it('takes over a garbled lock and leaves a foreign one alone on release', async () => {
    const path = join(dir, 'other.lock')
    await writeFile(path, 'not a pid')
    const lock = await acquireDirLock(path, dir)
    await writeFile(path, '1\n')
    await lock.release()
    expect(await readFile(path, 'utf8')).toBe('1\n')
  })

  it('opens PostgreSQL when given a URL', async () => {
    const db = await openDatabase({ url: testDatabaseUrl(), dataDir: dir, poolMax: 2 })
    try {
      expect(db.dialect).toBe('postgres')
      expect(await db.query(`SELECT 1::int8 AS one`)).toEqual([{ one: 1 }])
    } finally {
      await db.close()
    }
    await expect(openDatabase({ url: 'postgres://nobody@127.0.0.1:1/none', dataDir: dir })).rejects.toThrow()
  })
})
