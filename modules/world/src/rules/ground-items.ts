import type { Rarity } from '../content/schemas.ts'
import type { Equipment } from './equipment.ts'
import { addItem, type Inventory, type ItemContext, type ItemStack, removeItem } from './inventory.ts'
import { accepted, type Result, rejected } from './result.ts'

/** Seconds an item lies on the ground, and seconds only its owner can see it, by rarity. */
export const GROUND_ITEM_TIMERS: Readonly<
  Record<Rarity, { readonly despawnS: number; readonly protectionS: number }>
> = {
  poor: { despawnS: 60, protectionS: 30 },
  common: { despawnS: 120, protectionS: 45 },
  uncommon: { despawnS: 180, protectionS: 60 },
  rare: { despawnS: 300, protectionS: 90 },
  epic: { despawnS: 600, protectionS: 120 },
  legendary: { despawnS: 900, protectionS: 180 },
}

/** Ground items are visible within this many tiles (Chebyshev). */
export const GROUND_ITEM_VIEW_RADIUS = 32

export interface GroundItem {
  readonly id: string
  readonly stack: ItemStack
  readonly map: string
  readonly x: number
  readonly y: number
  /** The player who may see and take it first (the dropper, killer or dead player); null for everyone. */
  readonly owner: string | null
  readonly droppedAt: number
  readonly protectedUntil: number
  readonly despawnAt: number
}

export interface Viewer {
  readonly id: string
  readonly map: string
  readonly x: number
  readonly y: number
}

export interface GroundContext extends ItemContext {
  /** Makes a fresh ground item id. */
  readonly newId: () => string
}

/** Places a stack on a tile with the timers of its rarity. */
export function placeOnGround(
  stack: ItemStack,
  at: { map: string; x: number; y: number },
  owner: string | null,
  now: number,
  ctx: GroundContext,
): GroundItem {
  const rarity = ctx.items.get(stack.item)?.rarity ?? 'common'
  const t = GROUND_ITEM_TIMERS[rarity]
  return {
    id: ctx.newId(),
    stack,
    map: at.map,
    x: at.x,
    y: at.y,
    owner,
    droppedAt: now,
    protectedUntil: owner === null ? now : now + t.protectionS * 1000,
    despawnAt: now + t.despawnS * 1000,
  }
}

/** Whether `viewer` can see the item: same map, within 32 tiles, not expired, and not someone else's protected loot. */
export function isVisibleTo(
  item: GroundItem,
  viewer: Viewer,
  now: number,
  radius = GROUND_ITEM_VIEW_RADIUS,
): boolean {
  if (item.map !== viewer.map || now >= item.despawnAt) return false
  if (Math.max(Math.abs(item.x - viewer.x), Math.abs(item.y - viewer.y)) > radius) return false
  return item.owner === null || item.owner === viewer.id || now >= item.protectedUntil
}

/** The items a viewer may see, in the given order. */
export function visibleGroundItems(
  items: Iterable<GroundItem>,
  viewer: Viewer,
  now: number,
  radius?: number,
): GroundItem[] {
  const out: GroundItem[] = []
  for (const i of items) if (isVisibleTo(i, viewer, now, radius)) out.push(i)
  return out
}

/** Splits items into those still lying and those whose time is up. */
export function expireGroundItems(
  items: Iterable<GroundItem>,
  now: number,
): { kept: GroundItem[]; expired: GroundItem[] } {
  const kept: GroundItem[] = []
  const expired: GroundItem[] = []
  for (const i of items) (now >= i.despawnAt ? expired : kept).push(i)
  return { kept, expired }
}

/**
 * Picks an item up from the tile the player stands on. An item the player cannot see (someone else's protected
 * loot, expired) does not exist for them, so it answers "not found" like a missing one and reveals nothing.
 * What does not fit stays on the ground (`remaining`); nothing fitting at all is `world.inv_full`.
 */
export function pickUp(
  inventory: Inventory,
  item: GroundItem | undefined,
  player: Viewer,
  now: number,
  ctx: ItemContext,
): Result<{ inventory: Inventory; taken: number; remaining: GroundItem | null }> {
  if (!item || !isVisibleTo(item, player, now, Number.POSITIVE_INFINITY))
    return rejected('world.ground_item_not_found')
  if (item.x !== player.x || item.y !== player.y) return rejected('world.ground_item_too_far')
  const added = addItem(inventory, item.stack, ctx)
  if (!added.ok) return added
  const remaining =
    added.overflow > 0 ? { ...item, stack: { ...item.stack, quantity: added.overflow } } : null
  return accepted({ inventory: added.inventory, taken: added.added, remaining })
}

/** Drops (part of) an inventory slot on the player's tile; it is protected for the player who dropped it. */
export function dropItem(
  inventory: Inventory,
  slot: number,
  quantity: number | undefined,
  player: Viewer,
  now: number,
  ctx: GroundContext,
): Result<{ inventory: Inventory; groundItem: GroundItem }> {
  const removed = removeItem(inventory, slot, quantity)
  if (!removed.ok) return removed
  return accepted({
    inventory: removed.inventory,
    groundItem: placeOnGround(removed.removed, player, player.id, now, ctx),
  })
}

/**
 * Everything a dead player carried, on the death tile, with the usual despawn and protection timers (the seed
 * left death drops without timers, so they never despawned). The dead player owns them during protection.
 */
export function deathDrops(
  inventory: Inventory,
  equipment: Equipment,
  player: Viewer,
  now: number,
  ctx: GroundContext,
): GroundItem[] {
  const stacks: ItemStack[] = [...inventory.filter((s): s is ItemStack => s !== null)]
  for (const s of Object.values(equipment)) if (s) stacks.push(s)
  return stacks.map((s) => placeOnGround(s, player, player.id, now, ctx))
}
