import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { acquireDirLock } from './lock.ts'
import { openPgliteThread } from './pglite-thread.ts'
import type { Database } from './sql.ts'

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL; without it Tavern runs embedded on PGlite in `dataDir`. */
  url?: string
  /** Where the embedded database lives (`<dataDir>/pglite`, locked by `<dataDir>/pglite.lock`). */
  dataDir: string
  /** Called after every statement with its duration, for metrics. */
  onQuery?: (ms: number, ok: boolean) => void
  /** PostgreSQL pool size (default 10). */
  poolMax?: number
}

/** Opens the durable store: PostgreSQL when `url` is set, otherwise PGlite under `dataDir`. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.url) {
    // Loaded on demand so an embedded install never loads the pg driver.
    const { openPostgres } = await import('./postgres.ts')
    return openPostgres({ url: opts.url, max: opts.poolMax, onQuery: opts.onQuery })
  }
  const dir = resolve(opts.dataDir)
  await mkdir(dir, { recursive: true })
  const lock = await acquireDirLock(join(dir, 'pglite.lock'), dir)
  try {
    // PGlite runs in a thread of its own, so its work never stalls the game loop.
    return await openPgliteThread(join(dir, 'pglite'), {
      onQuery: opts.onQuery,
      onClose: () => lock.release(),
    })
  } catch (err) {
    await lock.release()
    throw err
  }
}
