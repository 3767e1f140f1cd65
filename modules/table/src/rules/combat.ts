import type { CombatAction, Combatant, CombatView } from '@tavern/protocol'
import { type Rejection, reject } from '@tavern/server'

/** A combatant as the tracker keeps it: plus the roll-off that orders it among equals, drawn once. */
export interface TrackedCombatant extends Combatant {
  tiebreak: number | null
}

export interface CombatState extends Omit<CombatView, 'combatants'> {
  combatants: TrackedCombatant[]
}

/** What the tracker needs from outside: the time, fresh ids and server dice. Tests pass scripted ones. */
export interface CombatContext {
  now: number
  newId(): string
  /** Rolls `notation` for a combatant and returns the total. */
  roll(notation: string, who: TrackedCombatant, purpose: 'initiative' | 'roll-off'): number
}

/** What happened, for the session log. */
export type CombatEvent =
  | { type: 'started' }
  | { type: 'ended' }
  | { type: 'turn'; round: number; combatantId: string }
  | { type: 'initiative'; ids: string[] }
  | { type: 'down'; combatantId: string }

export type CombatCommand = CombatAction | { type: 'tick' }

export interface CombatResult {
  state: CombatState
  events: CombatEvent[]
}

export const MAX_COMBATANTS = 100
const MAX_CONDITIONS = 16
export const UNCONSCIOUS = 'unconscious'

/** The tracker before anything happened. */
export function emptyCombat(): CombatState {
  return { active: false, round: 0, turnId: null, combatants: [], timerSeconds: null, turnEndsAt: null }
}

/** Turn order: initiative descending (not rolled last), ties by bonus, then by the roll-off, then by arrival. */
export function turnOrder(list: readonly TrackedCombatant[]): TrackedCombatant[] {
  const desc = (a: number | null, b: number | null) =>
    (b ?? Number.NEGATIVE_INFINITY) - (a ?? Number.NEGATIVE_INFINITY)
  return [...list].sort(
    (a, b) => desc(a.initiative, b.initiative) || b.initBonus - a.initBonus || desc(a.tiebreak, b.tiebreak),
  )
}

/** Applies one GM action (or a timer tick) to the tracker: a new state and what happened, or a rejection. */
export function applyCombat(
  state: CombatState,
  action: CombatCommand,
  ctx: CombatContext,
): CombatResult | Rejection {
  const s: CombatState = { ...state, combatants: state.combatants.map((c) => ({ ...c })) }
  const events: CombatEvent[] = []
  const find = (id: string) => s.combatants.find((c) => c.id === id)
  const withCombatant = (id: string, fn: (c: TrackedCombatant) => void): CombatResult | Rejection => {
    const c = find(id)
    if (!c) return reject('table.combatant_not_found')
    fn(c)
    return { state: s, events }
  }

  switch (action.type) {
    case 'start': {
      if (s.active) return reject('table.combat_active')
      if (s.combatants.length === 0) return reject('table.combat_empty')
      s.active = true
      s.round = 1
      s.combatants = turnOrder(s.combatants)
      events.push({ type: 'started' })
      startTurn(s, s.combatants[0]!, ctx.now, events)
      return { state: s, events }
    }
    case 'end': {
      if (!s.active) return reject('table.combat_not_active')
      events.push({ type: 'ended' })
      return {
        state: {
          ...emptyCombat(),
          timerSeconds: s.timerSeconds,
          combatants: s.combatants.map((c) => ({ ...c, initiative: null, tiebreak: null })),
        },
        events,
      }
    }
    case 'add': {
      if (s.combatants.length >= MAX_COMBATANTS) return reject('table.combat_full')
      const maxHp = Math.max(action.maxHp ?? action.hp, action.hp)
      s.combatants.push({
        id: ctx.newId(),
        name: action.name,
        owner: action.owner,
        hp: action.hp,
        maxHp,
        tempHp: action.tempHp,
        initBonus: action.initBonus,
        initiative: null,
        tiebreak: null,
        hidden: action.hidden,
        conditions: action.hp === 0 ? [UNCONSCIOUS] : [],
      })
      s.combatants = turnOrder(s.combatants)
      return { state: s, events }
    }
    case 'remove': {
      const i = s.combatants.findIndex((c) => c.id === action.id)
      if (i < 0) return reject('table.combatant_not_found')
      const wasCurrent = s.turnId === action.id
      s.combatants.splice(i, 1)
      if (wasCurrent) {
        if (s.combatants.length === 0) s.turnId = null
        else {
          if (i >= s.combatants.length) s.round++
          startTurn(s, s.combatants[i % s.combatants.length]!, ctx.now, events)
        }
      }
      return { state: s, events }
    }
    case 'roll_initiative': {
      const ids = action.ids ?? s.combatants.filter((c) => c.initiative === null).map((c) => c.id)
      const targets = []
      for (const id of ids) {
        const c = find(id)
        if (!c) return reject('table.combatant_not_found')
        targets.push(c)
      }
      if (targets.length === 0) return { state: s, events }
      for (const c of targets) {
        c.initiative = ctx.roll(initiativeNotation(c.initBonus), c, 'initiative')
        c.tiebreak = null
      }
      rollOffTies(s, ctx)
      events.push({ type: 'initiative', ids: targets.map((c) => c.id) })
      settleOrder(s, ctx, events)
      return { state: s, events }
    }
    case 'set_initiative':
      return withCombatant(action.id, (c) => {
        c.initiative = action.value
        c.tiebreak = null
        rollOffTies(s, ctx)
        settleOrder(s, ctx, events)
      })
    case 'next':
    case 'previous':
    case 'tick': {
      if (action.type === 'tick' && !(s.active && s.turnEndsAt !== null && ctx.now >= s.turnEndsAt)) {
        return { state: s, events }
      }
      if (!s.active) return reject('table.combat_not_active')
      if (s.combatants.length === 0) return reject('table.combat_empty')
      const n = s.combatants.length
      const i = s.combatants.findIndex((c) => c.id === s.turnId)
      if (action.type === 'previous') {
        if (i <= 0 && s.round <= 1) return reject('table.combat_at_start')
        if (i <= 0) s.round--
        startTurn(s, s.combatants[i <= 0 ? n - 1 : i - 1]!, ctx.now, events)
      } else {
        if (i + 1 >= n) s.round++
        startTurn(s, s.combatants[(i + 1) % n]!, ctx.now, events)
      }
      return { state: s, events }
    }
    case 'damage':
      return withCombatant(action.id, (c) => {
        const absorbed = Math.min(c.tempHp, action.amount)
        c.tempHp -= absorbed
        const before = c.hp
        c.hp = Math.max(0, c.hp - (action.amount - absorbed))
        if (c.hp === 0) {
          addCondition(c, UNCONSCIOUS)
          if (before > 0) events.push({ type: 'down', combatantId: c.id })
        }
      })
    case 'heal':
      return withCombatant(action.id, (c) => {
        c.hp = Math.min(c.maxHp, c.hp + action.amount)
        if (c.hp > 0) c.conditions = c.conditions.filter((x) => x !== UNCONSCIOUS)
      })
    case 'temp_hp':
      // Temporary hit points do not stack: the larger pool wins.
      return withCombatant(action.id, (c) => {
        c.tempHp = Math.max(c.tempHp, action.amount)
      })
    case 'condition':
      return withCombatant(action.id, (c) => {
        const name = action.condition.toLowerCase()
        if (action.on) addCondition(c, name)
        else c.conditions = c.conditions.filter((x) => x !== name)
      })
    case 'hide':
      return withCombatant(action.id, (c) => {
        c.hidden = action.hidden
      })
    case 'timer': {
      s.timerSeconds = action.seconds
      s.turnEndsAt = s.active && action.seconds !== null ? ctx.now + action.seconds * 1000 : null
      return { state: s, events }
    }
  }
}

/** `1d20+3`, `1d20-1`, `1d20`. */
export function initiativeNotation(bonus: number): string {
  return bonus === 0 ? '1d20' : `1d20${bonus > 0 ? '+' : ''}${bonus}`
}

function startTurn(s: CombatState, c: TrackedCombatant, now: number, events: CombatEvent[]): void {
  s.turnId = c.id
  s.turnEndsAt = s.timerSeconds === null ? null : now + s.timerSeconds * 1000
  events.push({ type: 'turn', round: s.round, combatantId: c.id })
}

function addCondition(c: TrackedCombatant, name: string): void {
  if (!c.conditions.includes(name) && c.conditions.length < MAX_CONDITIONS) c.conditions.push(name)
}

/** Combatants tied on initiative and bonus roll a d100 once each; the roll is kept so the order stays put. */
function rollOffTies(s: CombatState, ctx: CombatContext): void {
  const groups = new Map<string, TrackedCombatant[]>()
  for (const c of s.combatants) {
    if (c.initiative === null) continue
    const key = `${c.initiative}|${c.initBonus}`
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue
    for (const c of group) if (c.tiebreak === null) c.tiebreak = ctx.roll('1d100', c, 'roll-off')
  }
}

/** Re-sorts; the current turn stays with the same combatant, and combat without a current turn gets one. */
function settleOrder(s: CombatState, ctx: CombatContext, events: CombatEvent[]): void {
  s.combatants = turnOrder(s.combatants)
  if (s.active && s.turnId === null && s.combatants[0]) startTurn(s, s.combatants[0], ctx.now, events)
}
