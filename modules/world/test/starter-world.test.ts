import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodePng } from '../scripts/png.ts'
import type { Content } from '../src/content/load.ts'
import type { Point } from '../src/maps/tiled-types.ts'
import { loadWorld, tilesOf, type World } from '../src/maps/world.ts'
import type { WorldMap } from '../src/maps/world-map.ts'
import { canStand } from '../src/rules/pathfinding.ts'
import { CONTENT_ROOT, starterContent } from './helpers.ts'

/** Every tile reachable on foot from `start`. */
function reachable(map: WorldMap, start: Point): Set<string> {
  const seen = new Set([`${start.x},${start.y}`])
  const queue = [start]
  while (queue.length > 0) {
    const p = queue.pop()!
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ] as const) {
      const n = { x: p.x + dx, y: p.y + dy }
      const k = `${n.x},${n.y}`
      if (!seen.has(k) && map.isWalkable(n.x, n.y)) {
        seen.add(k)
        queue.push(n)
      }
    }
  }
  return seen
}

describe('the starter world', () => {
  let world: World
  let content: Content
  beforeAll(async () => {
    content = await starterContent()
    world = await loadWorld(CONTENT_ROOT, { knownEntities: new Set(content.npcs.keys()) })
  })

  it('has a town, a forest and a cave saved in the three Tiled flavours', () => {
    expect([...world.maps.keys()].sort()).toEqual(['cave', 'forest', 'town'])
    const town = world.map('town')!
    expect(town.file).toBe('maps/town.tmx')
    expect(town.tilesets.map((t) => t.source)).toEqual(['tilesets/terrain.tsx'])
    const forest = world.map('forest')!
    expect(forest.file).toBe('maps/forest.tmj')
    expect([forest.originX, forest.originY]).toEqual([-16, -16])
    const cave = world.map('cave')!
    expect(cave.tilesets.map((t) => t.source)).toEqual(['tilesets/dungeon.tsj'])
    expect(cave.layers.map((l) => `${l.groups.join('/')}/${l.name}`)).toEqual([
      'cave/floor',
      'cave/walls',
      'cave/props',
    ])
    for (const m of [town, forest]) {
      expect(m.layers.map((l) => l.name)).toEqual([
        'ground',
        'water',
        'decoration',
        'obstacles',
        'building',
        'collision',
      ])
      expect(m.layers.find((l) => l.name === 'collision')!.visible).toBe(false)
    }
    expect(town.properties.title).toBe('Millbrook')
  })

  it('connects every portal to a map that leads back', () => {
    for (const map of world.maps.values()) {
      for (const p of map.portals) {
        const d = world.destination(p)
        const target = world.map(d.map)!
        expect(target.isWalkable(d.x, d.y), `${map.id} → ${d.map}`).toBe(true)
        const back = target.portals.find((q) => q.targetMap === map.id)
        expect(back, `${d.map} has a way back to ${map.id}`).toBeDefined()
        // The way back is reachable on foot from where the portal drops you.
        const area = reachable(target, d)
        expect(tilesOf(back!).some((t) => area.has(`${t.x},${t.y}`))).toBe(true)
      }
    }
    expect(world.destination(world.map('town')!.portals[0]!)).toEqual({ map: 'forest', x: -14, y: 6 })
  })

  it('puts spawns, portals and NPCs on walkable tiles, all reachable from the player spawn', () => {
    for (const map of world.maps.values()) {
      const area = reachable(map, map.spawnPoint()!)
      for (const s of map.playerSpawns)
        expect(area.has(`${s.x},${s.y}`), `${map.id} spawn ${s.name}`).toBe(true)
      for (const p of map.portals)
        expect(
          tilesOf(p).every((t) => map.isWalkable(t.x, t.y)),
          `${map.id} portal ${p.name}`,
        ).toBe(true)
      for (const e of map.entitySpawns) {
        const size = content.npcs.get(e.entityId)!.size
        expect(canStand(map, e.x, e.y, size), `${map.id} ${e.entityId} at ${e.x},${e.y}`).toBe(true)
        // The merchant and guards stand in the open; everything can be walked up to.
        expect(area.has(`${e.x},${e.y}`), `${map.id} ${e.entityId} reachable`).toBe(true)
      }
    }
  })

  it('is populated with the seed roster', () => {
    const ids = [...world.maps.values()].flatMap((m) => m.entitySpawns.map((e) => e.entityId))
    for (const id of ['giant_rat', 'goblin', 'forest_bear', 'village_guard', 'merchant', 'quest_giver'])
      expect(ids).toContain(id)
    const patrol = world.map('forest')!.entitySpawns.find((e) => e.patrol)!
    expect(patrol.entityId).toBe('goblin')
    expect(patrol.patrol!.length).toBe(4)
    for (const p of patrol.patrol!) expect(world.map('forest')!.isWalkable(p.x, p.y)).toBe(true)
  })

  it('looks like a place: roads, water, buildings and trees in sensible amounts', () => {
    const town = world.map('town')!
    const count = (layer: string) =>
      town.layers.find((l) => l.name === layer)!.gids.filter((g) => g !== 0).length
    const size = town.width * town.height
    expect(count('water') / size).toBeGreaterThan(0.05)
    expect(count('building') / size).toBeGreaterThan(0.05)
    expect(count('obstacles') / size).toBeGreaterThan(0.1)
    const walkable = reachable(town, town.spawnPoint()!).size
    expect(walkable / size).toBeGreaterThan(0.4)
    // The chunk under the spawn says the spawn tile is walkable.
    const s = town.spawnPoint()!
    const chunk = town.chunk(Math.floor(s.x / 16), Math.floor(s.y / 16))
    expect((chunk.walkable[s.y % 16]! >> (s.x % 16)) & 1).toBe(1)
  })

  it('ships small, valid art that matches its tilesets and manifests', () => {
    const pngs = [
      'tilesets/terrain.png',
      'tilesets/dungeon.png',
      'sprites/characters.png',
      'sprites/npcs.png',
      'icons/items.png',
    ]
    const total = pngs.reduce((sum, f) => sum + statSync(path.join(CONTENT_ROOT, f)).size, 0)
    expect(total).toBeLessThan(1024 * 1024)
    for (const map of world.maps.values()) {
      for (const t of map.tilesets) {
        const img = decodePng(readFileSync(path.join(CONTENT_ROOT, t.image!.path)))
        expect([img.width, img.height]).toEqual([t.image!.width, t.image!.height])
        expect(Math.floor(img.width / 32) * Math.floor(img.height / 32)).toBeGreaterThanOrEqual(t.tileCount)
      }
    }
    const icons = JSON.parse(readFileSync(path.join(CONTENT_ROOT, 'icons/items.json'), 'utf8'))
    for (const item of content.items.values()) expect(icons.icons[item.icon], item.id).toBeDefined()
    const npcs = JSON.parse(readFileSync(path.join(CONTENT_ROOT, 'sprites/npcs.json'), 'utf8'))
    for (const npc of content.npcs.values()) {
      const sprite = npcs.sprites[npc.sprite]
      expect(sprite.footprint).toEqual(npc.size)
      for (const facing of ['down', 'left', 'right', 'up']) expect(sprite.frames[facing]).toHaveLength(3)
    }
    const players = JSON.parse(readFileSync(path.join(CONTENT_ROOT, 'sprites/characters.json'), 'utf8'))
    expect(Object.keys(players.sprites)).toHaveLength(4)
    expect(players.animations).toEqual({ idle: [0], walk: [1, 2] })
  })
})
