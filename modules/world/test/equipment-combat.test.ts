import { describe, expect, it } from 'vitest'
import {
  attackerXp,
  checkAttack,
  defenderXp,
  effectiveRoll,
  hitChance,
  inMeleeRange,
  maxHit,
  npcCombatStats,
  playerCombatStats,
  rectDistance,
  regenerate,
  rollAttack,
} from '../src/rules/combat.ts'
import {
  attackSpeedOf,
  type Equipment,
  emptyEquipment,
  equip,
  equipmentBonuses,
  type Loadout,
  maxHp,
  unequip,
} from '../src/rules/equipment.ts'
import { emptyInventory, type Inventory, type ItemStack } from '../src/rules/inventory.ts'
import { initialSkills, type Skills } from '../src/rules/skills.ts'
import { lowest, scripted, starterContent } from './helpers.ts'

const ctx = await starterContent()
const base = initialSkills(ctx.skills.values())
const skilled = (levels: Record<string, number>): Skills =>
  Object.fromEntries(Object.entries(base).map(([k, v]) => [k, levels[k] ? { level: levels[k]!, xp: 0 } : v]))
const inv = (...slots: (ItemStack | null)[]): Inventory => {
  const out = emptyInventory() as (ItemStack | null)[]
  slots.forEach((s, i) => {
    out[i] = s
  })
  return out
}
const gear = (item: string): ItemStack => ({ item, quantity: 1, durability: 100 })
const loadout = (o: Partial<Loadout>): Loadout => ({
  inventory: emptyInventory(),
  equipment: emptyEquipment(),
  skills: base,
  hp: { current: 10, max: 10 },
  ...o,
})
const withEq = (slots: Partial<Record<keyof Equipment, ItemStack>>): Equipment => ({
  ...emptyEquipment(),
  ...slots,
})

describe('equip', () => {
  it('equips from the inventory, swapping what was worn back into the same slot', () => {
    const r = equip(
      loadout({
        inventory: inv(gear('iron_sword')),
        equipment: withEq({ weapon: gear('bronze_sword') }),
        skills: skilled({ attack: 5 }),
      }),
      0,
      ctx,
    )
    expect(r.ok && [r.equipment.weapon!.item, r.inventory[0]!.item]).toEqual(['iron_sword', 'bronze_sword'])
  })

  it('checks skill requirements and refuses what cannot be worn, one code each', () => {
    expect(equip(loadout({ inventory: inv(gear('steel_sword')) }), 0, ctx)).toMatchObject({
      ok: false,
      code: 'world.eq_requirements_not_met',
      details: { missing: [{ skill: 'attack', level: 10 }] },
    })
    expect(equip(loadout({ inventory: inv({ item: 'logs', quantity: 3 }) }), 0, ctx)).toMatchObject({
      code: 'world.eq_not_equipable',
    })
    expect(equip(loadout({}), 0, ctx)).toMatchObject({ code: 'world.inv_slot_empty' })
    expect(equip(loadout({}), 99, ctx)).toMatchObject({ code: 'world.inv_slot_invalid' })
  })

  it('takes the shield off for a two-handed weapon, needing a free slot for it', () => {
    const state = loadout({
      inventory: inv(gear('bronze_2h_sword')),
      equipment: withEq({ weapon: gear('bronze_sword'), shield: gear('bronze_kiteshield') }),
    })
    const r = equip(state, 0, ctx)
    expect(
      r.ok && [r.equipment.weapon!.item, r.equipment.shield, r.inventory[0]!.item, r.inventory[1]!.item],
    ).toEqual(['bronze_2h_sword', null, 'bronze_sword', 'bronze_kiteshield'])
    const crowded = Array.from({ length: 28 }, () => ({ item: 'logs', quantity: 1 })) as ItemStack[]
    crowded[0] = gear('bronze_2h_sword')
    expect(equip({ ...state, inventory: crowded }, 0, ctx)).toEqual({ ok: false, code: 'world.eq_no_room' })
    // With only a shield worn, the freed slot is enough.
    const onlyShield = equip(
      { ...state, inventory: crowded, equipment: withEq({ shield: gear('bronze_kiteshield') }) },
      0,
      ctx,
    )
    expect(onlyShield.ok && onlyShield.inventory[0]!.item).toBe('bronze_kiteshield')
  })

  it('takes a two-handed weapon off when a shield goes on', () => {
    const r = equip(
      loadout({ inventory: inv(gear('bronze_kiteshield')), equipment: withEq({ weapon: gear('shortbow') }) }),
      0,
      ctx,
    )
    expect(r.ok && [r.equipment.shield!.item, r.equipment.weapon, r.inventory[0]!.item]).toEqual([
      'bronze_kiteshield',
      null,
      'shortbow',
    ])
  })

  it('merges arrows into the equipped stack, up to its limit', () => {
    const state = loadout({
      inventory: inv({ item: 'bronze_arrows', quantity: 300 }),
      equipment: withEq({ ammo: { item: 'bronze_arrows', quantity: 8000 } }),
    })
    const r = equip(state, 0, ctx)
    expect(r.ok && [r.equipment.ammo!.quantity, r.inventory[0]!.quantity]).toEqual([8192, 108])
    const all = equip(
      { ...state, equipment: withEq({ ammo: { item: 'bronze_arrows', quantity: 5 } }) },
      0,
      ctx,
    )
    expect(all.ok && [all.equipment.ammo!.quantity, all.inventory[0]]).toEqual([305, null])
    expect(
      equip({ ...state, equipment: withEq({ ammo: { item: 'bronze_arrows', quantity: 8192 } }) }, 0, ctx),
    ).toMatchObject({ code: 'world.eq_stack_full' })
    const other = equip(
      { ...state, equipment: withEq({ ammo: { item: 'iron_arrows', quantity: 7 } }) },
      0,
      ctx,
    )
    expect(other.ok && other.inventory[0]).toEqual({ item: 'iron_arrows', quantity: 7 })
  })

  it('moves current HP with the health bonus', () => {
    const r = equip(
      loadout({ inventory: inv({ item: 'ring_of_vigour', quantity: 1 }), hp: { current: 7, max: 10 } }),
      0,
      ctx,
    )
    expect(r.ok && r.hp).toEqual({ current: 17, max: 20 })
    expect(
      maxHp(
        base,
        withEq({
          ring: { item: 'ring_of_vigour', quantity: 1 },
          amulet: { item: 'elder_amulet', quantity: 1 },
        }),
        ctx,
      ),
    ).toBe(25)
  })
})

describe('unequip', () => {
  it('puts the item in the inventory and never leaves HP below 1', () => {
    const r = unequip(
      loadout({
        equipment: withEq({ ring: { item: 'ring_of_vigour', quantity: 1 } }),
        hp: { current: 4, max: 20 },
      }),
      'ring',
      ctx,
    )
    expect(r.ok && [r.inventory[0]!.item, r.equipment.ring, r.hp, r.effects]).toEqual([
      'ring_of_vigour',
      null,
      { current: 1, max: 10 },
      [],
    ])
    const healthy = unequip(
      loadout({
        equipment: withEq({ ring: { item: 'ring_of_vigour', quantity: 1 } }),
        hp: { current: 20, max: 20 },
      }),
      'ring',
      ctx,
    )
    expect(healthy.ok && healthy.hp).toEqual({ current: 10, max: 10 })
  })

  it('drops the item to the ground when the inventory is full', () => {
    const crowded = Array.from({ length: 28 }, () => ({ item: 'logs', quantity: 64 }))
    const r = unequip(
      loadout({ inventory: crowded, equipment: withEq({ head: gear('bronze_full_helm') }) }),
      'head',
      ctx,
    )
    expect(r.ok && [r.equipment.head, r.inventory, r.effects]).toEqual([
      null,
      crowded,
      [{ kind: 'drop_to_ground', stack: gear('bronze_full_helm') }],
    ])
  })

  it('merges unequipped arrows into inventory stacks and drops only what does not fit', () => {
    const crowded: ItemStack[] = Array.from({ length: 28 }, () => ({ item: 'logs', quantity: 64 }))
    crowded[3] = { item: 'iron_arrows', quantity: 8000 }
    const r = unequip(
      loadout({ inventory: crowded, equipment: withEq({ ammo: { item: 'iron_arrows', quantity: 500 } }) }),
      'ammo',
      ctx,
    )
    expect(r.ok && [r.inventory[3]!.quantity, r.effects]).toEqual([
      8192,
      [{ kind: 'drop_to_ground', stack: { item: 'iron_arrows', quantity: 308 } }],
    ])
  })

  it('rejects unknown and empty slots', () => {
    expect(unequip(loadout({}), 'tail', ctx)).toEqual({ ok: false, code: 'world.eq_invalid_slot' })
    expect(unequip(loadout({}), 'head', ctx)).toEqual({ ok: false, code: 'world.eq_slot_empty' })
  })

  it('sums bonuses and knows the weapon speed', () => {
    const eq = withEq({ weapon: gear('bronze_dagger'), head: gear('bronze_full_helm') })
    expect(equipmentBonuses(eq, ctx)).toMatchObject({
      attack: 4,
      strength: 3,
      physicalDefence: 4,
      magicDefence: -1,
    })
    expect(attackSpeedOf(eq, ctx)).toBe(2.4)
    expect(attackSpeedOf(emptyEquipment(), ctx)).toBe(3)
  })
})

describe('combat', () => {
  const stats = (level: number, bonus = 0) => ({
    attackLevel: level,
    strengthLevel: level,
    defenceLevel: level,
    attackBonus: bonus,
    strengthBonus: bonus,
    defenceBonus: bonus,
  })

  it('computes hit chance A/(A+D), clamped to [0.05, 0.95]', () => {
    expect(effectiveRoll(1, 0)).toBe(9)
    expect(effectiveRoll(10, 16)).toBe((34 * 80) / 64)
    expect(hitChance(stats(1), stats(1))).toBe(0.5)
    const a = effectiveRoll(20, 10)
    const d = effectiveRoll(5, 2)
    expect(hitChance(stats(20, 10), stats(5, 2))).toBeCloseTo(a / (a + d))
    expect(hitChance(stats(99, 200), stats(1))).toBe(0.95)
    expect(hitChance(stats(1), stats(99, 200))).toBe(0.05)
    expect(hitChance(stats(1, -100), stats(1, -100))).toBe(0.5)
  })

  it('computes max hit, at least 1', () => {
    expect(maxHit(1, 0)).toBe(1)
    expect(maxHit(10, 0)).toBe(1)
    expect(maxHit(15, 0)).toBe(2)
    expect(maxHit(99, 0)).toBe(10)
    expect(maxHit(99, 100)).toBe(Math.floor((99 * 164 + 320) / 640))
  })

  it('rolls hit then damage uniformly in 0..max with the injected generator', () => {
    const rng = scripted(4999, 1)
    expect(rollAttack(stats(1), stats(1), 10, rng)).toEqual({
      hit: true,
      damage: 1,
      defenderHp: 9,
      killed: false,
    })
    expect(rng.calls).toEqual([
      [0, 9999],
      [0, 1],
    ])
    expect(rollAttack(stats(1), stats(1), 10, scripted(5000))).toEqual({
      hit: false,
      damage: 0,
      defenderHp: 10,
      killed: false,
    })
    // Damage is capped at what the defender has left; XP is paid on that.
    expect(rollAttack(stats(99, 100), stats(1), 3, scripted(0, 20))).toEqual({
      hit: true,
      damage: 3,
      defenderHp: 0,
      killed: true,
    })
    expect(rollAttack(stats(1), stats(1), 10, lowest)).toEqual({
      hit: true,
      damage: 0,
      defenderHp: 10,
      killed: false,
    })
  })

  it('awards XP like the seed', () => {
    expect(attackerXp(0)).toEqual({})
    expect(attackerXp(3)).toEqual({ attack: 12, strength: 12, hitpoints: 4 })
    expect(attackerXp(2)).toEqual({ attack: 8, strength: 8, hitpoints: 3 })
    expect(defenderXp({ hit: false, damage: 0 })).toEqual({ defence: 2 })
    expect(defenderXp({ hit: true, damage: 7 })).toEqual({ hitpoints: 2 })
    expect(defenderXp({ hit: true, damage: 1 })).toEqual({ hitpoints: 1 })
    expect(defenderXp({ hit: true, damage: 0 })).toEqual({})
  })

  it('builds combat stats for players and NPCs', () => {
    const p = playerCombatStats(
      skilled({ attack: 7 }),
      withEq({ weapon: gear('bronze_sword'), body: gear('bronze_platebody') }),
      ctx,
    )
    expect(p).toEqual({
      attackLevel: 7,
      strengthLevel: 1,
      defenceLevel: 1,
      attackBonus: 7,
      strengthBonus: 6,
      defenceBonus: 12,
    })
    expect(npcCombatStats(ctx.npcs.get('goblin')!)).toEqual({
      attackLevel: 5,
      strengthLevel: 5,
      defenceLevel: 4,
      attackBonus: 4,
      strengthBonus: 3,
      defenceBonus: 2,
    })
  })

  it('measures melee reach as Chebyshev distance 1 between footprints', () => {
    const one = (x: number, y: number) => ({ x, y, width: 1, height: 1 })
    expect(inMeleeRange(one(0, 0), one(1, 1))).toBe(true)
    expect(inMeleeRange(one(0, 0), one(2, 0))).toBe(false)
    expect(inMeleeRange(one(0, 0), one(0, 0))).toBe(false)
    const bear = { x: 5, y: 5, width: 2, height: 2 }
    expect([
      inMeleeRange(one(7, 6), bear),
      inMeleeRange(one(4, 4), bear),
      inMeleeRange(one(8, 6), bear),
    ]).toEqual([true, true, false])
    expect(rectDistance(one(0, 0), bear)).toBe(5)
  })

  it('checks an attack with one code per reason', () => {
    const ok = {
      self: false,
      attackerAlive: true,
      sameMap: true,
      attackable: true,
      targetAlive: true,
      attacker: { x: 0, y: 0, width: 1, height: 1 },
      target: { x: 1, y: 0, width: 1, height: 1 },
      lastAttackAt: 1000,
      attackSpeedMs: 3000,
    }
    expect(checkAttack(ok, 4000)).toEqual({ ok: true })
    expect(checkAttack(ok, 3500)).toEqual({ ok: false, code: 'world.combat_cooldown', retryAfterMs: 500 })
    expect(checkAttack({ ...ok, self: true }, 9e9)).toMatchObject({ code: 'world.combat_self' })
    expect(checkAttack({ ...ok, attackerAlive: false }, 9e9)).toMatchObject({ code: 'world.player_dead' })
    expect(checkAttack({ ...ok, sameMap: false }, 9e9)).toMatchObject({
      code: 'world.combat_target_not_found',
    })
    expect(checkAttack({ ...ok, attackable: false }, 9e9)).toMatchObject({
      code: 'world.combat_not_attackable',
    })
    expect(checkAttack({ ...ok, targetAlive: false }, 9e9)).toMatchObject({
      code: 'world.combat_target_dead',
    })
    expect(checkAttack({ ...ok, target: { x: 3, y: 0, width: 1, height: 1 } }, 9e9)).toMatchObject({
      code: 'world.combat_out_of_range',
    })
  })

  it('regenerates 1 HP per 10 s without banking time at full health', () => {
    expect(regenerate({ current: 5, max: 10 }, 0, 9_999)).toEqual({ current: 5, lastRegenAt: 0 })
    expect(regenerate({ current: 5, max: 10 }, 0, 25_000)).toEqual({ current: 7, lastRegenAt: 20_000 })
    expect(regenerate({ current: 9, max: 10 }, 0, 60_000)).toEqual({ current: 10, lastRegenAt: 60_000 })
    expect(regenerate({ current: 10, max: 10 }, 0, 60_000)).toEqual({ current: 10, lastRegenAt: 60_000 })
    expect(regenerate({ current: 0, max: 10 }, 0, 60_000)).toEqual({ current: 0, lastRegenAt: 60_000 })
  })
})
