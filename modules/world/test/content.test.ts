import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildContent, ContentError, type ContentSources, loadContent } from '../src/content/load.ts'
import { equipmentSlots } from '../src/content/schemas.ts'
import { CONTENT_ROOT, scratch, starterContent } from './helpers.ts'

const raw = (file: string) => JSON.parse(readFileSync(path.join(CONTENT_ROOT, file), 'utf8'))
const sources = (): ContentSources & {
  items: Record<string, unknown>[]
  npcs: Record<string, unknown>[]
  skills: Record<string, unknown>[]
} => ({
  items: raw('items.json'),
  npcs: raw('npcs.json'),
  skills: raw('skills.json'),
  itemIcons: raw('icons/items.json'),
  npcSprites: raw('sprites/npcs.json'),
})

function rejectsWith(src: ContentSources, file: string, entry: string | undefined, problem: RegExp): void {
  try {
    buildContent(src)
  } catch (err) {
    expect(err).toBeInstanceOf(ContentError)
    const e = err as ContentError
    expect(e.file).toBe(file)
    expect(e.entry).toBe(entry)
    expect(e.problem).toMatch(problem)
    return
  }
  throw new Error('expected the content to be rejected')
}

describe('starter content', () => {
  it('has the seed items with stack limits by category', async () => {
    const c = await starterContent()
    expect(c.items.size).toBeGreaterThanOrEqual(77)
    const limit = (id: string) => c.items.get(id)!.maxStack
    expect([limit('bronze_sword'), limit('iron_platebody'), limit('bronze_pickaxe')]).toEqual([1, 1, 1])
    expect([limit('copper_ore'), limit('logs'), limit('bread'), limit('raw_trout')]).toEqual([64, 64, 64, 64])
    expect(limit('bronze_arrows')).toBe(8192)
    expect(limit('coins')).toBe(2 ** 31 - 1)
    for (const slot of equipmentSlots)
      expect(
        [...c.items.values()].some((i) => i.equipmentSlot === slot),
        slot,
      ).toBe(true)
    for (const tier of ['bronze', 'iron', 'steel']) expect(c.items.has(`${tier}_2h_sword`)).toBe(true)
    expect(c.items.get('steel_2h_sword')!.twoHanded).toBe(true)
    expect(c.items.get('bronze_dagger')!.attackSpeed).toBe(2.4)
    expect(c.items.get('coins')!.attackSpeed).toBe(3)
    expect(new Set([...c.items.values()].map((i) => i.rarity))).toEqual(
      new Set(['poor', 'common', 'uncommon', 'rare', 'epic', 'legendary']),
    )
  })

  it('has the NPC roster and the eleven skills with their multipliers', async () => {
    const c = await starterContent()
    const rat = c.npcs.get('giant_rat')!
    expect([rat.behaviour, rat.hitpoints, rat.aggroRadius, rat.disengageRadius, rat.respawnSeconds]).toEqual([
      'aggressive',
      8,
      4,
      12,
      30,
    ])
    const bear = c.npcs.get('forest_bear')!
    expect([bear.hitpoints, bear.aggroRadius, bear.disengageRadius, bear.respawnSeconds, bear.size]).toEqual([
      60,
      7,
      25,
      120,
      { width: 2, height: 2 },
    ])
    expect(c.npcs.get('goblin')!.hitpoints).toBe(10)
    expect(c.npcs.get('village_guard')!).toMatchObject({ behaviour: 'guard', hitpoints: 100 })
    expect(c.npcs.get('merchant')!.behaviour).toBe('merchant')
    expect(c.npcs.get('quest_giver')!.behaviour).toBe('quest_giver')
    expect(c.skills.size).toBe(11)
    const m = (id: string) => c.skills.get(id)!.xpMultiplier
    expect([m('mining'), m('fishing'), m('woodcutting'), m('cooking'), m('crafting'), m('attack')]).toEqual([
      0.8, 0.8, 0.8, 0.7, 1, 1,
    ])
    expect(c.skills.get('hitpoints')!.startLevel).toBe(10)
  })
})

describe('content validation', () => {
  it('names the file and entry for schema errors', () => {
    const s = sources()
    s.items[3] = { ...s.items[3], value: -5 }
    rejectsWith(s, 'items.json', `entry 4 "${s.items[3]!.id}"`, /value: Too small/)
  })

  it('catches references to skills, items, icons and sprites that do not exist', () => {
    let s = sources()
    s.items[0] = { ...s.items[0], requirements: { swordplay: 5 } }
    rejectsWith(s, 'items.json', `item "${s.items[0]!.id}"`, /requires unknown skill "swordplay"/)
    s = sources()
    s.npcs[0] = { ...s.npcs[0], loot: [{ item: 'golden_goose', chance: 0.5 }] }
    rejectsWith(s, 'npcs.json', 'npc "giant_rat"', /loot 1 names unknown item "golden_goose"/)
    s = sources()
    s.npcs[4] = { ...s.npcs[4], shop: [{ item: 'unicorn' }] }
    rejectsWith(s, 'npcs.json', 'npc "merchant"', /shop entry 1 names unknown item "unicorn"/)
    s = sources()
    s.items[0] = { ...s.items[0], icon: 'missing_icon' }
    rejectsWith(
      s,
      'items.json',
      `item "${s.items[0]!.id}"`,
      /icon "missing_icon" is not in icons\/items.json/,
    )
    s = sources()
    s.npcs[0] = { ...s.npcs[0], sprite: 'ghost' }
    rejectsWith(s, 'npcs.json', 'npc "giant_rat"', /sprite "ghost" is not in sprites\/npcs.json/)
  })

  it('catches duplicates, missing core skills and inconsistent items', () => {
    let s = sources()
    s.items.push({ ...s.items[0] })
    rejectsWith(s, 'items.json', `entry ${s.items.length} "${s.items[0]!.id}"`, /duplicate id/)
    s = sources()
    s.skills = s.skills.filter((k) => k.id !== 'hitpoints')
    rejectsWith(s, 'skills.json', undefined, /"hitpoints" is required/)
    s = sources()
    s.items[0] = { ...s.items[0], equipmentSlot: 'shield', twoHanded: true }
    rejectsWith(s, 'items.json', `entry 1 "${s.items[0]!.id}"`, /only weapons can be two-handed/)
    s = sources()
    s.items.push({
      id: 'magic_arrow',
      name: 'Magic arrow',
      category: 'ammunition',
      rarity: 'rare',
      value: 1,
      equipmentSlot: 'ring',
    })
    rejectsWith(s, 'items.json', `entry ${s.items.length} "magic_arrow"`, /ammunition goes in the ammo slot/)
    s = sources()
    s.npcs[1] = { ...s.npcs[1], aggroRadius: 20, disengageRadius: 10 }
    rejectsWith(s, 'npcs.json', 'entry 2 "goblin"', /disengageRadius: must be at least the aggro radius/)
    s = sources()
    s.npcs[0] = { ...s.npcs[0], loot: [{ item: 'bronze_sword', chance: 1, min: 1, max: 2 }] }
    rejectsWith(s, 'npcs.json', 'npc "giant_rat"', /more than one stack/)
  })

  it('reports unreadable and invalid JSON files', async () => {
    const s = await scratch()
    try {
      await s.write('items.json', '[')
      await s.write('npcs.json', '[]')
      await s.write('skills.json', '[]')
      await expect(loadContent(s.root)).rejects.toThrow(/items.json: is not valid JSON/)
      await s.write('items.json', '{}')
      await expect(loadContent(s.root)).rejects.toThrow(/items.json: must be a JSON array of entries/)
      await expect(loadContent(path.join(s.root, 'nowhere'))).rejects.toThrow(
        /items.json: cannot be read \(ENOENT\)/,
      )
    } finally {
      await s.done()
    }
  })
})
