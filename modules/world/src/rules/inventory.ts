import type { ItemCategory, ItemDef, Rarity } from '../content/schemas.ts'
import { accepted, type Result, rejected } from './result.ts'

export const INVENTORY_SIZE = 28

/** One slot's content. `durability` is set on gear only; `uid` names one instance of unstackable gear. */
export interface ItemStack {
  readonly item: string
  readonly quantity: number
  readonly durability?: number
  readonly uid?: string
}

/** 28 slots, `null` where empty. Rules never mutate it; they return a new one. */
export type Inventory = readonly (ItemStack | null)[]

export type ItemCatalog = ReadonlyMap<string, ItemDef>
export interface ItemContext {
  readonly items: ItemCatalog
}

export const SORT_ORDERS = ['category', 'rarity', 'value', 'name'] as const
export type SortOrder = (typeof SORT_ORDERS)[number]

const RARITY_RANK: Readonly<Record<Rarity, number>> = {
  poor: 0,
  common: 1,
  uncommon: 2,
  rare: 3,
  epic: 4,
  legendary: 5,
}
const CATEGORY_RANK: Readonly<Record<ItemCategory, number>> = {
  currency: 0,
  weapon: 1,
  armour: 2,
  ammunition: 3,
  tool: 4,
  consumable: 5,
  material: 6,
}

/** An empty inventory. */
export function emptyInventory(): Inventory {
  return new Array<ItemStack | null>(INVENTORY_SIZE).fill(null)
}

/** Whether `slot` is a valid slot index. */
export function isSlot(slot: number): boolean {
  return Number.isInteger(slot) && slot >= 0 && slot < INVENTORY_SIZE
}

/** How many of an item the inventory holds across all slots. */
export function countItem(inv: Inventory, item: string): number {
  return inv.reduce((n, s) => (s?.item === item ? n + s.quantity : n), 0)
}

/** How many of `item` could still be added (free room in its stacks plus empty slots). */
export function roomFor(inv: Inventory, def: ItemDef): number {
  let room = 0
  for (const s of inv) {
    if (s === null) room += def.maxStack
    else if (s.item === def.id && def.maxStack > 1) room += def.maxStack - s.quantity
  }
  return room
}

/**
 * Adds a stack: tops up existing stacks of the same item first, then fills empty slots. What does not fit comes
 * back as `overflow`. Rejects when nothing at all fits (`world.inv_full`).
 */
export function addItem(
  inv: Inventory,
  stack: ItemStack,
  ctx: ItemContext,
): Result<{ inventory: Inventory; added: number; overflow: number }> {
  const def = ctx.items.get(stack.item)
  if (!def) return rejected('world.inv_unknown_item', { details: { item: stack.item } })
  if (!Number.isInteger(stack.quantity) || stack.quantity < 1) return rejected('world.inv_invalid_quantity')
  const out = [...inv]
  let left = stack.quantity
  if (def.maxStack > 1) {
    for (let i = 0; i < out.length && left > 0; i++) {
      const s = out[i]
      if (s?.item !== def.id || s.quantity >= def.maxStack) continue
      const n = Math.min(left, def.maxStack - s.quantity)
      out[i] = { ...s, quantity: s.quantity + n }
      left -= n
    }
  }
  for (let i = 0; i < out.length && left > 0; i++) {
    if (out[i] !== null) continue
    const n = Math.min(left, def.maxStack)
    // An unstackable instance keeps its identity wherever it goes.
    out[i] = newStack(def, n, stack.durability, def.maxStack === 1 ? stack.uid : undefined)
    left -= n
  }
  if (left === stack.quantity) return rejected('world.inv_full')
  return accepted({ inventory: out, added: stack.quantity - left, overflow: left })
}

/** Takes `quantity` from one slot (all of it when omitted) and returns what was taken. */
export function removeItem(
  inv: Inventory,
  slot: number,
  quantity?: number,
): Result<{ inventory: Inventory; removed: ItemStack }> {
  if (!isSlot(slot)) return rejected('world.inv_slot_invalid')
  const s = inv[slot]
  if (!s) return rejected('world.inv_slot_empty')
  const n = quantity ?? s.quantity
  if (!Number.isInteger(n) || n < 1) return rejected('world.inv_invalid_quantity')
  if (n > s.quantity) return rejected('world.inv_insufficient_quantity', { details: { have: s.quantity } })
  const out = [...inv]
  out[slot] = n === s.quantity ? null : { ...s, quantity: s.quantity - n }
  return accepted({ inventory: out, removed: { ...s, quantity: n } })
}

/**
 * Moves a slot onto another: into an empty slot it moves; onto the same stackable item it merges up to the stack
 * limit (the rest stays behind); otherwise (or when the target stack is full) the two swap.
 */
export function moveItem(
  inv: Inventory,
  from: number,
  to: number,
  ctx: ItemContext,
): Result<{ inventory: Inventory }> {
  if (!isSlot(from) || !isSlot(to)) return rejected('world.inv_slot_invalid')
  const a = inv[from]
  if (!a) return rejected('world.inv_slot_empty')
  if (from === to) return accepted({ inventory: inv })
  const out = [...inv]
  const b = out[to] ?? null
  const def = ctx.items.get(a.item)
  if (b && def && b.item === a.item && def.maxStack > 1 && b.quantity < def.maxStack) {
    const n = Math.min(a.quantity, def.maxStack - b.quantity)
    out[to] = { ...b, quantity: b.quantity + n }
    out[from] = n === a.quantity ? null : { ...a, quantity: a.quantity - n }
  } else {
    out[to] = a
    out[from] = b
  }
  return accepted({ inventory: out })
}

/**
 * Merges stacks of the same item, packs everything to the front and orders it: by category, rarity (highest
 * first), value (highest first) or name, ties broken by rarity and then name.
 */
export function sortInventory(
  inv: Inventory,
  by: string,
  ctx: ItemContext,
): Result<{ inventory: Inventory }> {
  if (!(SORT_ORDERS as readonly string[]).includes(by)) return rejected('world.inv_invalid_sort')
  const merged: ItemStack[] = []
  const totals = new Map<string, number>()
  for (const s of inv) {
    if (!s) continue
    const def = ctx.items.get(s.item)
    if (def && def.maxStack > 1) totals.set(s.item, (totals.get(s.item) ?? 0) + s.quantity)
    else merged.push(s)
  }
  for (const [item, total] of totals) {
    const def = ctx.items.get(item)!
    for (let left = total; left > 0; left -= def.maxStack)
      merged.push({ item, quantity: Math.min(left, def.maxStack) })
  }
  const info = (s: ItemStack) => {
    const d = ctx.items.get(s.item)
    return {
      rarity: d ? RARITY_RANK[d.rarity] : -1,
      category: d ? CATEGORY_RANK[d.category] : 99,
      value: d?.value ?? 0,
      name: d?.name ?? s.item,
    }
  }
  const tie = (a: ReturnType<typeof info>, b: ReturnType<typeof info>) =>
    b.rarity - a.rarity || a.name.localeCompare(b.name, 'en')
  const primary: Record<SortOrder, (a: ReturnType<typeof info>, b: ReturnType<typeof info>) => number> = {
    category: (a, b) => a.category - b.category,
    rarity: (a, b) => b.rarity - a.rarity,
    value: (a, b) => b.value - a.value,
    name: (a, b) => a.name.localeCompare(b.name, 'en'),
  }
  const cmp = primary[by as SortOrder]
  merged.sort((x, y) => {
    const a = info(x)
    const b = info(y)
    return cmp(a, b) || tie(a, b) || x.item.localeCompare(y.item) || y.quantity - x.quantity
  })
  const out = emptyInventory() as (ItemStack | null)[]
  merged.forEach((s, i) => {
    out[i] = s
  })
  return accepted({ inventory: out })
}

/** A fresh stack of an item; gear starts at its full durability unless one is given. */
export function newStack(def: ItemDef, quantity: number, durability?: number, uid?: string): ItemStack {
  const d = durability ?? def.durability
  const s: { item: string; quantity: number; durability?: number; uid?: string } = { item: def.id, quantity }
  if (d !== undefined) s.durability = d
  if (uid !== undefined) s.uid = uid
  return s
}
