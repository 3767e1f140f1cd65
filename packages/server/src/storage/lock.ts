import { open, readFile, unlink } from 'node:fs/promises'

/** A lock file held by this process. */
export interface DirLock {
  readonly path: string
  release(): Promise<void>
}

// Lock files this process holds: a pid equal to ours is either one of these or a leftover of an earlier life
// (a container restarts with the same pid), which is stale.
const held = new Set<string>()

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function readPid(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(path, 'utf8')).trim(), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/**
 * Takes `lockPath` for the directory `dir` (named in the error), holding this process's pid. A lock whose pid is
 * dead is stale and taken over. PGlite has no lock of its own: two processes on one data directory corrupt it.
 */
export async function acquireDirLock(lockPath: string, dir: string): Promise<DirLock> {
  if (held.has(lockPath)) throw new Error(`this Tavern process already has ${dir} open`)
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fh = await open(lockPath, 'wx')
      try {
        await fh.writeFile(`${process.pid}\n`)
      } finally {
        await fh.close()
      }
      held.add(lockPath)
      return { path: lockPath, release: () => releaseDirLock(lockPath) }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const pid = await readPid(lockPath)
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) {
      throw new Error(`another Tavern process (pid ${pid}) is using ${dir}; stop it or set DATABASE_URL`)
    }
    // Stale (dead pid, our own pid from an earlier life, or an unreadable file). Two processes taking over the
    // same stale lock at the same instant could both win; booting two processes on one directory is the
    // mistake this lock reports, not a race it must settle.
    await unlink(lockPath).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e
    })
  }
  throw new Error(`could not take the lock ${lockPath}`)
}

async function releaseDirLock(lockPath: string): Promise<void> {
  if (!held.delete(lockPath)) return
  if ((await readPid(lockPath)) !== process.pid) return
  await unlink(lockPath).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e
  })
}
