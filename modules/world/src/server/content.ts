import { access, readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildContent, CONTENT_FILES, type Content } from '../content/load.ts'
import { loadTiledMap, MAP_EXTENSIONS } from '../maps/tiled.ts'
import type { RawTileset } from '../maps/tiled-raw.ts'
import { World } from '../maps/world.ts'
import { WorldMap } from '../maps/world-map.ts'

/** The starter world shipped with Tavern. */
export const STARTER_CONTENT_DIR = fileURLToPath(new URL('../../content', import.meta.url))

/** Game data and maps, with the folders they came from (host folder first) for asset lookups. */
export interface LoadedWorld {
  readonly content: Content
  readonly world: World
  /** Content folders, most specific first: a host folder overrides the starter world file by file. */
  readonly roots: readonly string[]
  /** Which folder each map came from. */
  readonly mapRoots: ReadonlyMap<string, string>
}

/**
 * Loads the starter world and, if given, a host folder over it: host entries of items/npcs/skills replace starter
 * ones with the same id, host maps replace starter maps with the same id. Everything is validated together.
 */
export async function loadWorldContent(hostDir?: string): Promise<LoadedWorld> {
  const roots = hostDir ? [path.resolve(hostDir), STARTER_CONTENT_DIR] : [STARTER_CONTENT_DIR]
  const merged: Record<string, unknown> = {}
  for (const key of ['items', 'npcs', 'skills'] as const) {
    const byId = new Map<string, unknown>()
    for (const root of [...roots].reverse()) {
      const list = await readJson(path.join(root, CONTENT_FILES[key]))
      if (list === undefined) continue
      if (!Array.isArray(list)) throw new Error(`${root}/${CONTENT_FILES[key]} must be a JSON array`)
      for (const entry of list) byId.set(String((entry as { id?: unknown }).id), entry)
    }
    merged[key] = [...byId.values()]
  }
  const content = buildContent({
    items: merged.items,
    npcs: merged.npcs,
    skills: merged.skills,
    itemIcons: await readJson(path.join(STARTER_CONTENT_DIR, CONTENT_FILES.itemIcons)),
    npcSprites: await readJson(path.join(STARTER_CONTENT_DIR, CONTENT_FILES.npcSprites)),
  })
  const maps = new Map<string, WorldMap>()
  const mapRoots = new Map<string, string>()
  for (const root of [...roots].reverse()) {
    const dir = path.join(root, 'maps')
    if (!(await exists(dir))) continue
    const tilesetCache = new Map<string, Promise<RawTileset>>()
    const files = (await readdir(dir))
      .filter((f) => (MAP_EXTENSIONS as readonly string[]).includes(path.extname(f).toLowerCase()))
      .sort()
    for (const f of files) {
      const m = new WorldMap(await loadTiledMap(path.join(dir, f), { contentRoot: root, tilesetCache }))
      maps.set(m.id, m)
      mapRoots.set(m.id, root)
    }
  }
  const world = new World([...maps.values()], { knownEntities: new Set(content.npcs.keys()) })
  return { content, world, roots, mapRoots }
}

async function readJson(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  return JSON.parse(text)
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p)
    return true
  } catch {
    return false
  }
}
