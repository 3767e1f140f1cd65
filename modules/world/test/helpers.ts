import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync, gzipSync } from 'node:zlib'
import { type Content, loadContent } from '../src/content/load.ts'
import type { Portal } from '../src/maps/tiled-types.ts'
import type { Rng } from '../src/rules/combat.ts'

export const CONTENT_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'content')

let content: Promise<Content> | undefined
/** The real starter content, loaded once per test file. */
export function starterContent(): Promise<Content> {
  content ??= loadContent(CONTENT_ROOT)
  return content
}

/** A scratch content folder on disk. */
export async function scratch(): Promise<{
  root: string
  write(rel: string, data: string | Buffer): Promise<string>
  done(): Promise<void>
}> {
  const root = await mkdtemp(path.join(tmpdir(), 'tavern-world-'))
  return {
    root,
    async write(rel, data) {
      const file = path.join(root, rel)
      await mkdir(path.dirname(file), { recursive: true })
      await writeFile(file, data)
      return file
    },
    done: () => rm(root, { recursive: true, force: true }),
  }
}

/** Little-endian uint32 gids, as Tiled's base64 layer data holds them. */
export function gidBytes(gids: readonly number[]): Buffer {
  const b = Buffer.alloc(gids.length * 4)
  gids.forEach((g, i) => {
    b.writeUInt32LE(g >>> 0, i * 4)
  })
  return b
}

export const base64 = {
  plain: (g: readonly number[]) => gidBytes(g).toString('base64'),
  zlib: (g: readonly number[]) => deflateSync(gidBytes(g)).toString('base64'),
  gzip: (g: readonly number[]) => gzipSync(gidBytes(g)).toString('base64'),
}

/**
 * A map from ASCII rows for rule tests: `#` and `~` block, anything else is walkable, `@` marks a portal tile.
 * Coordinates start at (0, 0) in the top-left.
 */
export function gridOf(rows: readonly string[]) {
  const portal = (x: number, y: number): Portal => ({
    objectId: 1,
    name: 'door',
    area: { x, y, width: 1, height: 1 },
    targetMap: 'elsewhere',
    target: { kind: 'spawn', name: 'default' },
  })
  return {
    inBounds: (x: number, y: number) => y >= 0 && y < rows.length && x >= 0 && x < rows[0]!.length,
    isWalkable: (x: number, y: number) => {
      const c = rows[y]?.[x]
      return c !== undefined && c !== '#' && c !== '~'
    },
    portalAt: (x: number, y: number) => (rows[y]?.[x] === '@' ? portal(x, y) : undefined),
  }
}

/** An RNG that plays back fixed values (checked against the requested range) and then repeats the last. */
export function scripted(...values: number[]): Rng & { calls: [number, number][] } {
  let i = 0
  const calls: [number, number][] = []
  return {
    calls,
    int(min, max) {
      calls.push([min, max])
      const v = values[Math.min(i++, values.length - 1)] ?? min
      if (v < min || v > max) throw new Error(`scripted value ${v} outside [${min}, ${max}]`)
      return v
    },
  }
}

/** An RNG that always answers the lowest value. */
export const lowest: Rng = { int: (min) => min }

/** Time that moves only when a test says so. */
export class FakeClock {
  constructor(private t = 0) {}
  now(): number {
    return this.t
  }
  advance(ms: number): void {
    this.t += ms
  }
}
