import { type EquipmentSlot, equipmentSlots, type ItemDef, type ItemStats } from '../content/schemas.ts'
import { addItem, type Inventory, type ItemContext, type ItemStack, isSlot } from './inventory.ts'
import { accepted, type Result, rejected } from './result.ts'
import { levelOf, type Skills } from './skills.ts'

export type Equipment = Readonly<Record<EquipmentSlot, ItemStack | null>>

export interface Hitpoints {
  readonly current: number
  readonly max: number
}

export interface Loadout {
  readonly inventory: Inventory
  readonly equipment: Equipment
  readonly skills: Skills
  readonly hp: Hitpoints
}

/** Something an equipment change caused beyond the loadout itself. */
export type EquipmentEffect = { readonly kind: 'drop_to_ground'; readonly stack: ItemStack }

export const DEFAULT_ATTACK_SPEED_S = 3

/** Nothing equipped. */
export function emptyEquipment(): Equipment {
  return Object.fromEntries(equipmentSlots.map((s) => [s, null])) as unknown as Equipment
}

/** The sum of the stats of everything equipped. */
export function equipmentBonuses(equipment: Equipment, ctx: ItemContext): ItemStats {
  const total: Record<keyof ItemStats, number> = {
    attack: 0,
    strength: 0,
    rangedAttack: 0,
    rangedStrength: 0,
    magicAttack: 0,
    magicDamage: 0,
    physicalDefence: 0,
    magicDefence: 0,
    health: 0,
    speed: 0,
  }
  for (const slot of equipmentSlots) {
    const s = equipment[slot]
    const def = s ? ctx.items.get(s.item) : undefined
    if (!def) continue
    for (const k of Object.keys(total) as (keyof ItemStats)[]) total[k] += def.stats[k]
  }
  return total
}

/** Max HP = hitpoints level + the health bonus of the equipment (at least 1). */
export function maxHp(skills: Skills, equipment: Equipment, ctx: ItemContext): number {
  return Math.max(1, levelOf(skills, 'hitpoints') + equipmentBonuses(equipment, ctx).health)
}

/** Seconds between attacks: the weapon's attack speed, 3 s unarmed. */
export function attackSpeedOf(equipment: Equipment, ctx: ItemContext): number {
  const w = equipment.weapon
  return (w && ctx.items.get(w.item)?.attackSpeed) || DEFAULT_ATTACK_SPEED_S
}

/** The skills (and levels) the player lacks for an item; empty when they may equip it. */
export function missingRequirements(def: ItemDef, skills: Skills): { skill: string; level: number }[] {
  return Object.entries(def.requirements)
    .filter(([skill, level]) => levelOf(skills, skill) < level)
    .map(([skill, level]) => ({ skill, level }))
}

/**
 * Equips the item in an inventory slot. Whatever it replaces goes back to the inventory (into the freed slot,
 * then free slots); a two-handed weapon also takes off the shield and a shield takes off a two-handed weapon;
 * arrows onto the same arrows merge into the equipped stack. Max HP follows the health bonus.
 */
export function equip(state: Loadout, slot: number, ctx: ItemContext): Result<Omit<Loadout, 'skills'>> {
  if (!isSlot(slot)) return rejected('world.inv_slot_invalid')
  const stack = state.inventory[slot]
  if (!stack) return rejected('world.inv_slot_empty')
  const def = ctx.items.get(stack.item)
  if (!def?.equipmentSlot) return rejected('world.eq_not_equipable')
  const missing = missingRequirements(def, state.skills)
  if (missing.length > 0) return rejected('world.eq_requirements_not_met', { details: { missing } })
  const target = def.equipmentSlot
  const inventory = [...state.inventory]
  const equipment: Record<EquipmentSlot, ItemStack | null> = { ...state.equipment }
  const current = equipment[target]

  if (target === 'ammo' && current?.item === stack.item) {
    const room = def.maxStack - current.quantity
    if (room <= 0) return rejected('world.eq_stack_full')
    const n = Math.min(room, stack.quantity)
    equipment.ammo = { ...current, quantity: current.quantity + n }
    inventory[slot] = n === stack.quantity ? null : { ...stack, quantity: stack.quantity - n }
    return accepted({ inventory, equipment, hp: state.hp })
  }

  const takeOff: ItemStack[] = []
  if (current) takeOff.push(current)
  if (def.twoHanded && equipment.shield) {
    takeOff.push(equipment.shield)
    equipment.shield = null
  }
  if (target === 'shield' && equipment.weapon && ctx.items.get(equipment.weapon.item)?.twoHanded) {
    takeOff.push(equipment.weapon)
    equipment.weapon = null
  }
  equipment[target] = stack
  inventory[slot] = null
  // The freed slot takes the first item back; any second one needs another empty slot.
  const [first, ...rest] = takeOff
  if (first) inventory[slot] = first
  let inv: Inventory = inventory
  for (const s of rest) {
    const free = inv.indexOf(null)
    if (free === -1) return rejected('world.eq_no_room')
    const next = [...inv]
    next[free] = s
    inv = next
  }
  return accepted({ inventory: inv, equipment, hp: adjustHp(state, equipment, ctx) })
}

/**
 * Takes off what is in an equipment slot and puts it in the inventory (merging ammunition into stacks). Whatever
 * does not fit is dropped to the ground, returned as an effect. HP never falls below 1 when a health bonus goes.
 */
export function unequip(
  state: Loadout,
  slot: string,
  ctx: ItemContext,
): Result<Omit<Loadout, 'skills'> & { effects: EquipmentEffect[] }> {
  if (!(equipmentSlots as readonly string[]).includes(slot)) return rejected('world.eq_invalid_slot')
  const s = state.equipment[slot as EquipmentSlot]
  if (!s) return rejected('world.eq_slot_empty')
  const equipment = { ...state.equipment, [slot]: null } as Equipment
  const effects: EquipmentEffect[] = []
  let inventory = state.inventory
  const added = addItem(inventory, s, ctx)
  if (added.ok) {
    inventory = added.inventory
    if (added.overflow > 0)
      effects.push({ kind: 'drop_to_ground', stack: { ...s, quantity: added.overflow } })
  } else if (added.code === 'world.inv_full') {
    effects.push({ kind: 'drop_to_ground', stack: s })
  } else return added
  return accepted({ inventory, equipment, hp: adjustHp(state, equipment, ctx), effects })
}

/** Current HP moves with max HP when the health bonus changes, clamped to [1, new max]. */
function adjustHp(state: Loadout, equipment: Equipment, ctx: ItemContext): Hitpoints {
  const before = maxHp(state.skills, state.equipment, ctx)
  const after = maxHp(state.skills, equipment, ctx)
  if (state.hp.current <= 0) return { current: state.hp.current, max: after }
  return { current: Math.min(after, Math.max(1, state.hp.current + (after - before))), max: after }
}
