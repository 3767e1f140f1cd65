import { describe, expect, it } from 'vitest'
import { emptyEquipment } from '../src/rules/equipment.ts'
import {
  deathDrops,
  dropItem,
  expireGroundItems,
  GROUND_ITEM_TIMERS,
  type GroundContext,
  type GroundItem,
  isVisibleTo,
  pickUp,
  placeOnGround,
  visibleGroundItems,
} from '../src/rules/ground-items.ts'
import { emptyInventory, type ItemStack } from '../src/rules/inventory.ts'
import { changedChunk, checkChunkRequest, MOVE_COOLDOWN_MS, step } from '../src/rules/movement.ts'
import { gridOf, starterContent } from './helpers.ts'

const content = await starterContent()
let n = 0
const ctx: GroundContext = { items: content.items, newId: () => `g${++n}` }
const alice = { id: 'alice', map: 'town', x: 5, y: 5 }
const bob = { id: 'bob', map: 'town', x: 5, y: 5 }
const T0 = 1_000_000

describe('ground items', () => {
  it('uses the despawn and loot-protection times of each rarity', () => {
    expect(GROUND_ITEM_TIMERS).toEqual({
      poor: { despawnS: 60, protectionS: 30 },
      common: { despawnS: 120, protectionS: 45 },
      uncommon: { despawnS: 180, protectionS: 60 },
      rare: { despawnS: 300, protectionS: 90 },
      epic: { despawnS: 600, protectionS: 120 },
      legendary: { despawnS: 900, protectionS: 180 },
    })
    const ring = placeOnGround({ item: 'ring_of_vigour', quantity: 1 }, alice, 'alice', T0, ctx)
    expect([ring.protectedUntil - T0, ring.despawnAt - T0]).toEqual([120_000, 600_000])
    const free = placeOnGround({ item: 'burnt_fish', quantity: 1 }, alice, null, T0, ctx)
    expect([free.protectedUntil, free.despawnAt - T0]).toEqual([T0, 60_000])
  })

  it('hides protected loot from others until protection ends, and everything once expired or far away', () => {
    const item = placeOnGround({ item: 'coins', quantity: 10 }, alice, 'alice', T0, ctx)
    expect(isVisibleTo(item, alice, T0)).toBe(true)
    expect(isVisibleTo(item, bob, T0 + 44_999)).toBe(false)
    expect(isVisibleTo(item, bob, T0 + 45_000)).toBe(true)
    expect(isVisibleTo(item, alice, T0 + 120_000)).toBe(false)
    expect(isVisibleTo(item, { ...bob, x: 5 + 33 }, T0 + 50_000)).toBe(false)
    expect(isVisibleTo(item, { ...bob, x: 5 + 32, y: 5 - 32 }, T0 + 50_000)).toBe(true)
    expect(isVisibleTo(item, { ...bob, map: 'cave' }, T0 + 50_000)).toBe(false)
    const other = placeOnGround({ item: 'logs', quantity: 1 }, bob, 'bob', T0, ctx)
    expect(visibleGroundItems([item, other], alice, T0).map((i) => i.id)).toEqual([item.id])
    const { kept, expired } = expireGroundItems([item, other], T0 + 120_000)
    expect([kept.length, expired.length]).toEqual([0, 2])
  })

  it('picks up only from the exact tile, with distinct codes', () => {
    const item = placeOnGround({ item: 'coins', quantity: 10 }, alice, 'alice', T0, ctx)
    const r = pickUp(emptyInventory(), item, alice, T0, ctx)
    expect(r.ok && [r.inventory[0], r.taken, r.remaining]).toEqual([
      { item: 'coins', quantity: 10 },
      10,
      null,
    ])
    expect(pickUp(emptyInventory(), item, { ...alice, x: 6 }, T0, ctx)).toEqual({
      ok: false,
      code: 'world.ground_item_too_far',
    })
    expect(pickUp(emptyInventory(), undefined, alice, T0, ctx)).toEqual({
      ok: false,
      code: 'world.ground_item_not_found',
    })
    // Someone else's protected loot and expired items do not exist for the picker.
    expect(pickUp(emptyInventory(), item, bob, T0, ctx)).toEqual({
      ok: false,
      code: 'world.ground_item_not_found',
    })
    expect(pickUp(emptyInventory(), item, alice, T0 + 120_000, ctx)).toEqual({
      ok: false,
      code: 'world.ground_item_not_found',
    })
    expect(pickUp(emptyInventory(), item, bob, T0 + 45_000, ctx).ok).toBe(true)
  })

  it('leaves what does not fit on the ground and refuses when nothing fits', () => {
    const full: ItemStack[] = Array.from({ length: 28 }, () => ({ item: 'logs', quantity: 64 }))
    const item = placeOnGround({ item: 'logs', quantity: 5 }, alice, null, T0, ctx)
    expect(pickUp(full, item, alice, T0, ctx)).toEqual({ ok: false, code: 'world.inv_full' })
    full[0] = { item: 'logs', quantity: 62 }
    const r = pickUp(full, item, alice, T0, ctx)
    expect(r.ok && [r.taken, r.remaining!.stack.quantity, r.remaining!.id]).toEqual([2, 3, item.id])
  })

  it('drops from the inventory onto the player tile, protected for the dropper', () => {
    const inv = emptyInventory().map((_, i) => (i === 2 ? { item: 'bread', quantity: 4 } : null))
    const r = dropItem(inv, 2, 3, alice, T0, ctx)
    expect(r.ok && [r.inventory[2], r.groundItem.stack, r.groundItem.owner, r.groundItem.x]).toEqual([
      { item: 'bread', quantity: 1 },
      { item: 'bread', quantity: 3 },
      'alice',
      5,
    ])
    expect(dropItem(inv, 3, 1, alice, T0, ctx)).toEqual({ ok: false, code: 'world.inv_slot_empty' })
  })

  it('gives death drops despawn and protection timers', () => {
    const inv = emptyInventory().map((_, i) =>
      i === 0
        ? { item: 'coins', quantity: 50 }
        : i === 9
          ? { item: 'steel_sword', quantity: 1, durability: 3 }
          : null,
    )
    const drops: GroundItem[] = deathDrops(
      inv,
      { ...emptyEquipment(), ring: { item: 'ring_of_vigour', quantity: 1 } },
      alice,
      T0,
      ctx,
    )
    expect(drops.map((d) => [d.stack.item, d.owner, d.protectedUntil - T0, d.despawnAt - T0])).toEqual([
      ['coins', 'alice', 45_000, 120_000],
      ['steel_sword', 'alice', 60_000, 180_000],
      ['ring_of_vigour', 'alice', 120_000, 600_000],
    ])
    expect(new Set(drops.map((d) => d.id)).size).toBe(3)
    expect(drops.every((d) => d.map === 'town' && d.x === 5 && d.y === 5)).toBe(true)
  })
})

describe('movement', () => {
  const grid = gridOf(['....', '.#~.', '...@'])
  const walker = { x: 0, y: 0, alive: true, lastMoveAt: null }

  it('steps one tile in each direction, accepting the seed spelling', () => {
    expect(step(walker, 'RIGHT', grid, T0)).toEqual({ ok: true, x: 1, y: 0, facing: 'right', lastMoveAt: T0 })
    expect(step(walker, 'down', grid, T0)).toMatchObject({ x: 0, y: 1, facing: 'down' })
    expect(step({ ...walker, x: 1 }, 'left', grid, T0)).toMatchObject({ x: 0, y: 0 })
    expect(step({ ...walker, y: 1 }, 'up', grid, T0)).toMatchObject({ x: 0, y: 0 })
  })

  it('rejects bad directions, the edge, blocked tiles and the dead, each with its own code', () => {
    expect(step(walker, 'north', grid, T0)).toEqual({ ok: false, code: 'world.move_invalid_direction' })
    expect(step(walker, 7, grid, T0)).toEqual({ ok: false, code: 'world.move_invalid_direction' })
    expect(step(walker, 'up', grid, T0)).toEqual({ ok: false, code: 'world.move_out_of_bounds' })
    expect(step({ ...walker, x: 1 }, 'down', grid, T0)).toEqual({ ok: false, code: 'world.move_blocked' })
    expect(step({ ...walker, x: 2 }, 'down', grid, T0)).toEqual({ ok: false, code: 'world.move_blocked' })
    expect(step({ ...walker, alive: false }, 'right', grid, T0)).toEqual({
      ok: false,
      code: 'world.player_dead',
    })
  })

  it('enforces the 150 ms step cooldown from server timestamps', () => {
    const moved = { ...walker, lastMoveAt: T0 }
    expect(step(moved, 'right', grid, T0 + 100)).toEqual({
      ok: false,
      code: 'world.move_cooldown',
      retryAfterMs: 50,
    })
    expect(step(moved, 'right', grid, T0 + MOVE_COOLDOWN_MS).ok).toBe(true)
    expect(step(moved, 'right', grid, T0 - 500)).toMatchObject({
      code: 'world.move_cooldown',
      retryAfterMs: 150,
    })
  })

  it('reports a portal when a step lands on one', () => {
    const r = step({ ...walker, x: 2, y: 2 }, 'right', grid, T0)
    expect(r.ok && r.portal?.targetMap).toBe('elsewhere')
  })

  it('checks chunk requests like the seed: radius ≤ 2, within 80 tiles, same map', () => {
    const me = { map: 'town', x: 10, y: 10 }
    expect(checkChunkRequest(me, { x: 12, y: 10, radius: 2 })).toEqual({ ok: true, radius: 2 })
    expect(checkChunkRequest(me, { x: 12, y: 10, radius: 3 })).toMatchObject({
      code: 'world.map_chunk_radius',
    })
    expect(checkChunkRequest(me, { x: 91, y: 10, radius: 1 })).toMatchObject({
      code: 'world.map_chunk_too_far',
    })
    expect(checkChunkRequest(me, { map: 'cave', x: 10, y: 10, radius: 1 })).toMatchObject({
      code: 'world.map_not_current',
    })
    expect(checkChunkRequest(me, { x: 1.5, y: 10, radius: 1 })).toMatchObject({
      code: 'world.map_invalid_coords',
    })
    expect([
      changedChunk({ x: 15, y: 3 }, { x: 16, y: 3 }),
      changedChunk({ x: -1, y: 0 }, { x: -2, y: 0 }),
    ]).toEqual([true, false])
  })
})
