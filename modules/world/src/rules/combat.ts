import type { NpcDef } from '../content/schemas.ts'
import { type Equipment, equipmentBonuses } from './equipment.ts'
import type { ItemContext } from './inventory.ts'
import { accepted, type Result, rejected } from './result.ts'
import { levelOf, type Skills } from './skills.ts'

/** The only randomness rules need; the module passes its seeded generator. */
export interface Rng {
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number
}

export interface CombatStats {
  readonly attackLevel: number
  readonly strengthLevel: number
  readonly defenceLevel: number
  readonly attackBonus: number
  readonly strengthBonus: number
  readonly defenceBonus: number
}

export interface Rect {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

export const REGEN_INTERVAL_MS = 10_000
export const MIN_HIT_CHANCE = 0.05
export const MAX_HIT_CHANCE = 0.95

/** (level + bonus + 8) · (64 + bonus) / 64, never negative. */
export function effectiveRoll(level: number, bonus: number): number {
  return Math.max(0, ((level + bonus + 8) * (64 + bonus)) / 64)
}

/** A / (A + D) clamped to [0.05, 0.95]. */
export function hitChance(attacker: CombatStats, defender: CombatStats): number {
  const a = effectiveRoll(attacker.attackLevel, attacker.attackBonus)
  const d = effectiveRoll(defender.defenceLevel, defender.defenceBonus)
  if (a + d === 0) return 0.5
  return Math.min(MAX_HIT_CHANCE, Math.max(MIN_HIT_CHANCE, a / (a + d)))
}

/** floor((strength · (strength bonus + 64) + 320) / 640), at least 1. */
export function maxHit(strengthLevel: number, strengthBonus: number): number {
  return Math.max(1, Math.floor((strengthLevel * (strengthBonus + 64) + 320) / 640))
}

export interface AttackOutcome {
  readonly hit: boolean
  /** Damage actually taken: the roll, capped at the defender's remaining HP. */
  readonly damage: number
  readonly defenderHp: number
  readonly killed: boolean
}

/** One swing: a hit roll against the clamped chance, then damage uniform in 0..max hit. */
export function rollAttack(
  attacker: CombatStats,
  defender: CombatStats,
  defenderHp: number,
  rng: Rng,
): AttackOutcome {
  // Basis points keep the roll an integer draw, so any `int(min, max)` generator can drive it.
  const hit = rng.int(0, 9999) < Math.round(hitChance(attacker, defender) * 10_000)
  const rolled = hit ? rng.int(0, maxHit(attacker.strengthLevel, attacker.strengthBonus)) : 0
  const damage = Math.min(rolled, Math.max(0, defenderHp))
  const left = defenderHp - damage
  return { hit, damage, defenderHp: left, killed: left <= 0 && defenderHp > 0 }
}

/** XP for the attacker: 4 per damage in attack and strength, 4/3 per damage in hitpoints (rounded). */
export function attackerXp(damage: number): Record<string, number> {
  if (damage <= 0) return {}
  return { attack: 4 * damage, strength: 4 * damage, hitpoints: Math.round((4 * damage) / 3) }
}

/** XP for a defending player: 2 defence for a blocked swing, damage/3 hitpoints (at least 1) when hit. */
export function defenderXp(outcome: Pick<AttackOutcome, 'hit' | 'damage'>): Record<string, number> {
  if (!outcome.hit) return { defence: 2 }
  if (outcome.damage > 0) return { hitpoints: Math.max(1, Math.floor(outcome.damage / 3)) }
  return {}
}

/** A player's combat stats from skills and equipment. */
export function playerCombatStats(skills: Skills, equipment: Equipment, ctx: ItemContext): CombatStats {
  const b = equipmentBonuses(equipment, ctx)
  return {
    attackLevel: levelOf(skills, 'attack'),
    strengthLevel: levelOf(skills, 'strength'),
    defenceLevel: levelOf(skills, 'defence'),
    attackBonus: b.attack,
    strengthBonus: b.strength,
    defenceBonus: b.physicalDefence,
  }
}

/** An NPC's combat stats from its definition. */
export function npcCombatStats(def: NpcDef): CombatStats {
  return {
    attackLevel: def.levels.attack,
    strengthLevel: def.levels.strength,
    defenceLevel: def.levels.defence,
    attackBonus: def.bonuses.attack,
    strengthBonus: def.bonuses.strength,
    defenceBonus: def.bonuses.defence,
  }
}

/** Chebyshev distance between two rectangles of tiles (0 when they overlap). */
export function rectDistance(a: Rect, b: Rect): number {
  const dx = Math.max(0, b.x - (a.x + a.width - 1), a.x - (b.x + b.width - 1))
  const dy = Math.max(0, b.y - (a.y + a.height - 1), a.y - (b.y + b.height - 1))
  return Math.max(dx, dy)
}

/** Melee reach: Chebyshev distance exactly 1 between the two footprints (diagonals count, overlapping does not). */
export function inMeleeRange(attacker: Rect, target: Rect): boolean {
  return rectDistance(attacker, target) === 1
}

export interface AttackCheck {
  readonly self: boolean
  readonly attackerAlive: boolean
  readonly sameMap: boolean
  readonly attackable: boolean
  readonly targetAlive: boolean
  readonly attacker: Rect
  readonly target: Rect
  readonly lastAttackAt: number | null
  readonly attackSpeedMs: number
}

/** Whether an attack may happen now, with one code per reason it may not. */
export function checkAttack(c: AttackCheck, now: number): Result<object> {
  if (c.self) return rejected('world.combat_self')
  if (!c.attackerAlive) return rejected('world.player_dead')
  if (!c.sameMap) return rejected('world.combat_target_not_found')
  if (!c.attackable) return rejected('world.combat_not_attackable')
  if (!c.targetAlive) return rejected('world.combat_target_dead')
  if (!inMeleeRange(c.attacker, c.target)) return rejected('world.combat_out_of_range')
  if (c.lastAttackAt !== null) {
    const wait = c.lastAttackAt + c.attackSpeedMs - now
    if (wait > 0) return rejected('world.combat_cooldown', { retryAfterMs: wait })
  }
  return accepted({})
}

/** +1 HP per 10 s since the last regeneration; time at full HP is not banked. */
export function regenerate(
  hp: { readonly current: number; readonly max: number },
  lastRegenAt: number,
  now: number,
  intervalMs = REGEN_INTERVAL_MS,
): { readonly current: number; readonly lastRegenAt: number } {
  if (hp.current <= 0) return { current: hp.current, lastRegenAt: now }
  if (hp.current >= hp.max) return { current: hp.current, lastRegenAt: now }
  const ticks = Math.floor((now - lastRegenAt) / intervalMs)
  if (ticks <= 0) return { current: hp.current, lastRegenAt }
  const current = Math.min(hp.max, hp.current + ticks)
  return { current, lastRegenAt: current >= hp.max ? now : lastRegenAt + ticks * intervalMs }
}
