import type { SkillDef } from '../content/schemas.ts'

export const MAX_LEVEL = 99
/** XP keeps counting past level 99, up to this cap. */
export const MAX_XP = 200_000_000

export interface SkillState {
  readonly level: number
  readonly xp: number
}
export type Skills = Readonly<Record<string, SkillState>>

/** BASE[L] = Σ_{i=1}^{L−1} floor((i + 300·2^(i/7)) / 4): the unscaled XP needed for level L (BASE[1] = 0). */
const BASE: readonly number[] = (() => {
  const table = [0, 0]
  let sum = 0
  for (let i = 1; i < MAX_LEVEL; i++) {
    sum += Math.floor((i + 300 * 2 ** (i / 7)) / 4)
    table.push(sum)
  }
  return table
})()

/** XP needed to reach `level` (1–99) for a skill with the given multiplier; level 99 at 1.0 is 13,034,394. */
export function xpForLevel(level: number, multiplier = 1): number {
  if (!Number.isInteger(level) || level < 1 || level > MAX_LEVEL)
    throw new RangeError(`level ${level} is not in 1–${MAX_LEVEL}`)
  return Math.floor(BASE[level]! * multiplier)
}

/** The level a skill with `xp` experience is at (1–99). */
export function levelForXp(xp: number, multiplier = 1): number {
  let lo = 1
  let hi = MAX_LEVEL
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (xpForLevel(mid, multiplier) <= xp) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** Every skill at its starting level (hitpoints starts at 10) with exactly the XP that level needs. */
export function initialSkills(defs: Iterable<SkillDef>): Skills {
  const out: Record<string, SkillState> = {}
  for (const d of defs) out[d.id] = { level: d.startLevel, xp: xpForLevel(d.startLevel, d.xpMultiplier) }
  return out
}

/** Adds XP to one skill (capped at {@link MAX_XP}) and reports how many levels were gained. */
export function addXp(
  skills: Skills,
  def: SkillDef,
  amount: number,
): { readonly skills: Skills; readonly level: number; readonly levelsGained: number } {
  if (!Number.isFinite(amount) || amount < 0)
    throw new RangeError(`XP amount ${amount} must be a non-negative number`)
  const before = skills[def.id] ?? { level: def.startLevel, xp: xpForLevel(def.startLevel, def.xpMultiplier) }
  const xp = Math.min(MAX_XP, before.xp + amount)
  const level = Math.max(before.level, levelForXp(xp, def.xpMultiplier))
  return { skills: { ...skills, [def.id]: { level, xp } }, level, levelsGained: level - before.level }
}

/** Adds several skills' XP at once (e.g. a combat hit); unknown skill ids are a bug and throw. */
export function addXpMany(
  skills: Skills,
  defs: ReadonlyMap<string, SkillDef>,
  awards: Readonly<Record<string, number>>,
): Skills {
  let out = skills
  for (const [id, amount] of Object.entries(awards)) {
    const def = defs.get(id)
    if (!def) throw new Error(`unknown skill "${id}"`)
    if (amount > 0) out = addXp(out, def, amount).skills
  }
  return out
}

/** The level of a skill, or 1 when it has none recorded. */
export function levelOf(skills: Skills, id: string): number {
  return skills[id]?.level ?? 1
}

/** The sum of all skill levels. */
export function totalLevel(skills: Skills): number {
  return Object.values(skills).reduce((sum, s) => sum + s.level, 0)
}
