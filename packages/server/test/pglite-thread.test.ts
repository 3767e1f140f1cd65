import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openPgliteThread } from '../src/storage/pglite-thread.ts'

describe('PGlite in a worker thread, on a data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tavern-pglite-thread-'))
  const dataDir = join(dir, 'db')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('creates a new directory, keeps what was written across a reopen, and runs with a 32 MB page cache', async () => {
    expect(existsSync(dataDir)).toBe(false)
    const first = await openPgliteThread(dataDir)
    // Created by a thread of its own that has ended; this one opened what it left.
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true)
    expect(await first.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '32MB' }])
    await first.exec('CREATE TABLE kept (id int PRIMARY KEY, note text)')
    await first.query('INSERT INTO kept VALUES ($1, $2)', [1, 'still here'])
    await first.close()

    const again = await openPgliteThread(dataDir)
    expect(await again.query('SELECT note FROM kept')).toEqual([{ note: 'still here' }])
    expect(await again.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '32MB' }])
    await again.close()
  })
})
