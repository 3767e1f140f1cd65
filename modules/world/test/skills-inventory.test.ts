import { describe, expect, it } from 'vitest'
import {
  addItem,
  countItem,
  emptyInventory,
  type Inventory,
  type ItemStack,
  moveItem,
  removeItem,
  roomFor,
  sortInventory,
} from '../src/rules/inventory.ts'
import {
  addXp,
  addXpMany,
  initialSkills,
  levelForXp,
  MAX_XP,
  totalLevel,
  xpForLevel,
} from '../src/rules/skills.ts'
import { starterContent } from './helpers.ts'

const ctx = await starterContent()
const inv = (...slots: (ItemStack | null)[]): Inventory => {
  const out = emptyInventory() as (ItemStack | null)[]
  slots.forEach((s, i) => {
    out[i] = s
  })
  return Object.freeze(out)
}
const full = (): Inventory =>
  Object.freeze(Array.from({ length: 28 }, () => ({ item: 'logs', quantity: 64 })))

describe('skills', () => {
  it('follows the XP curve', () => {
    expect(xpForLevel(1)).toBe(0)
    expect(xpForLevel(2)).toBe(83)
    expect(xpForLevel(10)).toBe(1151)
    expect(xpForLevel(50)).toBe(101_314)
    // Σ floor((i + 300·2^(i/7)) / 4): the seed floors each term, so this is a little under the classic table.
    expect(xpForLevel(99)).toBe(13_034_394)
    expect(xpForLevel(99, 0.8)).toBe(Math.floor(13_034_394 * 0.8))
    expect(xpForLevel(99, 0.7)).toBe(Math.floor(13_034_394 * 0.7))
    expect(() => xpForLevel(100)).toThrow(RangeError)
  })

  it('finds the level for an amount of XP, capped at 99', () => {
    expect(levelForXp(0)).toBe(1)
    expect(levelForXp(82)).toBe(1)
    expect(levelForXp(83)).toBe(2)
    expect(levelForXp(13_034_393)).toBe(98)
    expect(levelForXp(13_034_394)).toBe(99)
    expect(levelForXp(MAX_XP)).toBe(99)
    expect(levelForXp(66, 0.8)).toBe(2)
    expect(levelForXp(65, 0.8)).toBe(1)
  })

  it('starts every skill at level 1 and hitpoints at 10, and adds XP with level-ups', () => {
    const skills = initialSkills(ctx.skills.values())
    expect(skills.hitpoints).toEqual({ level: 10, xp: 1151 })
    expect(skills.mining).toEqual({ level: 1, xp: 0 })
    expect(totalLevel(skills)).toBe(10 + 10)
    const mining = ctx.skills.get('mining')!
    const r = addXp(skills, mining, 100)
    expect([r.level, r.levelsGained]).toEqual([2, 1])
    expect(skills.mining!.xp).toBe(0) // untouched
    expect(addXp(skills, mining, 1e12).skills.mining).toEqual({ level: 99, xp: MAX_XP })
    expect(() => addXp(skills, mining, -1)).toThrow(RangeError)
    const many = addXpMany(skills, ctx.skills, { attack: 400, strength: 400, hitpoints: 133 })
    expect([many.attack!.level, many.strength!.level, many.hitpoints!.xp]).toEqual([5, 5, 1284])
    expect(() => addXpMany(skills, ctx.skills, { juggling: 1 })).toThrow(/unknown skill/)
  })
})

describe('inventory', () => {
  it('fills existing stacks before free slots and reports overflow', () => {
    const start = inv({ item: 'copper_ore', quantity: 60 }, null, { item: 'copper_ore', quantity: 63 })
    const r = addItem(start, { item: 'copper_ore', quantity: 200 }, ctx)
    if (!r.ok) throw new Error(r.code)
    expect(r.inventory.slice(0, 6)).toEqual([
      { item: 'copper_ore', quantity: 64 },
      { item: 'copper_ore', quantity: 64 },
      { item: 'copper_ore', quantity: 64 },
      { item: 'copper_ore', quantity: 64 },
      { item: 'copper_ore', quantity: 64 },
      { item: 'copper_ore', quantity: 3 },
    ])
    expect([r.added, r.overflow]).toEqual([200, 0])
    expect(countItem(r.inventory, 'copper_ore')).toBe(323)
    // Gear never stacks and gets full durability.
    const swords = addItem(emptyInventory(), { item: 'bronze_sword', quantity: 2 }, ctx)
    if (!swords.ok) throw new Error(swords.code)
    expect(swords.inventory.slice(0, 2)).toEqual([
      { item: 'bronze_sword', quantity: 1, durability: 250 },
      { item: 'bronze_sword', quantity: 1, durability: 250 },
    ])
  })

  it('partly succeeds when the stacks overflow, and refuses when nothing fits', () => {
    const almost = full().map((s, i) => (i === 27 ? { item: 'bronze_arrows', quantity: 8000 } : s))
    const r = addItem(almost, { item: 'bronze_arrows', quantity: 500 }, ctx)
    expect(r.ok && [r.added, r.overflow, r.inventory[27]!.quantity]).toEqual([192, 308, 8192])
    expect(addItem(full(), { item: 'coins', quantity: 1 }, ctx)).toEqual({
      ok: false,
      code: 'world.inv_full',
    })
    expect(roomFor(almost, ctx.items.get('bronze_arrows')!)).toBe(192)
    expect(addItem(emptyInventory(), { item: 'nope', quantity: 1 }, ctx).ok && 'accepted').toBe(false)
    expect(addItem(emptyInventory(), { item: 'coins', quantity: 0 }, ctx)).toMatchObject({
      code: 'world.inv_invalid_quantity',
    })
    const coins = addItem(emptyInventory(), { item: 'coins', quantity: 2 ** 31 }, ctx)
    expect(coins.ok && [coins.inventory[0]!.quantity, coins.inventory[1]!.quantity]).toEqual([2 ** 31 - 1, 1])
  })

  it('removes from a slot with one code per failure', () => {
    const start = inv({ item: 'bread', quantity: 5 })
    const r = removeItem(start, 0, 2)
    expect(r.ok && [r.inventory[0], r.removed]).toEqual([
      { item: 'bread', quantity: 3 },
      { item: 'bread', quantity: 2 },
    ])
    expect(removeItem(start, 0).ok && removeItem(start, 0)).toMatchObject({
      inventory: expect.arrayContaining([null]),
    })
    expect(removeItem(start, 28)).toMatchObject({ code: 'world.inv_slot_invalid' })
    expect(removeItem(start, 1)).toMatchObject({ code: 'world.inv_slot_empty' })
    expect(removeItem(start, 0, 6)).toMatchObject({ code: 'world.inv_insufficient_quantity' })
    expect(removeItem(start, 0, 0)).toMatchObject({ code: 'world.inv_invalid_quantity' })
    expect(removeItem(start, 0, 1.5)).toMatchObject({ code: 'world.inv_invalid_quantity' })
  })

  it('moves to empty slots, merges the same stackable item up to the limit, and otherwise swaps', () => {
    const start = inv(
      { item: 'logs', quantity: 40 },
      { item: 'logs', quantity: 50 },
      { item: 'bronze_sword', quantity: 1 },
      { item: 'logs', quantity: 64 },
    )
    const moved = moveItem(start, 2, 10, ctx)
    expect(moved.ok && [moved.inventory[2], moved.inventory[10]]).toEqual([
      null,
      { item: 'bronze_sword', quantity: 1 },
    ])
    const merged = moveItem(start, 0, 1, ctx)
    expect(merged.ok && [merged.inventory[0], merged.inventory[1]]).toEqual([
      { item: 'logs', quantity: 26 },
      { item: 'logs', quantity: 64 },
    ])
    const all = moveItem(inv({ item: 'logs', quantity: 4 }, { item: 'logs', quantity: 5 }), 0, 1, ctx)
    expect(all.ok && [all.inventory[0], all.inventory[1]]).toEqual([null, { item: 'logs', quantity: 9 }])
    const swapped = moveItem(start, 2, 0, ctx)
    expect(swapped.ok && [swapped.inventory[0]!.item, swapped.inventory[2]!.item]).toEqual([
      'bronze_sword',
      'logs',
    ])
    const ontoFull = moveItem(start, 0, 3, ctx)
    expect(ontoFull.ok && [ontoFull.inventory[0]!.quantity, ontoFull.inventory[3]!.quantity]).toEqual([
      64, 40,
    ])
    expect(moveItem(start, 0, 0, ctx)).toMatchObject({ ok: true, inventory: start })
    expect(moveItem(start, 5, 0, ctx)).toMatchObject({ code: 'world.inv_slot_empty' })
    expect(moveItem(start, 0, -1, ctx)).toMatchObject({ code: 'world.inv_slot_invalid' })
  })

  it('sorts: merges stacks, packs to the front, orders by the key with ties by rarity then name', () => {
    const start = inv(
      null,
      { item: 'logs', quantity: 30 },
      null,
      { item: 'bronze_sword', quantity: 1, durability: 10 },
      { item: 'coins', quantity: 5 },
      { item: 'logs', quantity: 50 },
      { item: 'ring_of_vigour', quantity: 1 },
      { item: 'steel_sword', quantity: 1 },
      { item: 'burnt_fish', quantity: 2 },
    )
    const names = (r: ReturnType<typeof sortInventory>) =>
      r.ok ? r.inventory.filter(Boolean).map((s) => `${s!.item}×${s!.quantity}`) : []
    const byCategory = sortInventory(start, 'category', ctx)
    // Currency, weapons (steel is uncommon, so before bronze), armour, materials (common logs before poor fish).
    expect(names(byCategory)).toEqual([
      'coins×5',
      'steel_sword×1',
      'bronze_sword×1',
      'ring_of_vigour×1',
      'logs×64',
      'logs×16',
      'burnt_fish×2',
    ])
    expect(byCategory.ok && byCategory.inventory.slice(7).every((s) => s === null)).toBe(true)
    expect(byCategory.ok && byCategory.inventory[2]).toEqual({
      item: 'bronze_sword',
      quantity: 1,
      durability: 10,
    })
    expect(names(sortInventory(start, 'rarity', ctx))).toEqual([
      'ring_of_vigour×1',
      'steel_sword×1',
      'bronze_sword×1',
      'coins×5',
      'logs×64',
      'logs×16',
      'burnt_fish×2',
    ])
    expect(names(sortInventory(start, 'value', ctx))[0]).toBe('ring_of_vigour×1')
    expect(names(sortInventory(start, 'name', ctx))).toEqual([
      'bronze_sword×1',
      'burnt_fish×2',
      'coins×5',
      'logs×64',
      'logs×16',
      'ring_of_vigour×1',
      'steel_sword×1',
    ])
    expect(sortInventory(start, 'colour', ctx)).toMatchObject({ code: 'world.inv_invalid_sort' })
  })
})
