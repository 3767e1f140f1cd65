import type { CombatView, RollMode, SceneView, TableEntry } from '@tavern/protocol'
import type { CombatState } from './combat.ts'
import { type Actor, type SceneState, tokenVisible } from './scene.ts'

/**
 * Who may read a log entry. `stub` users see that the entry exists without its content (the roller of a blind
 * roll). Stored with every entry, so history, exports and recaps apply the same rule as the live room.
 */
export type Audience = { all: true } | { all: false; users: string[]; gms: boolean; stub?: string[] }

export const EVERYONE: Audience = { all: true }
export const GMS_ONLY: Audience = { all: false, users: [], gms: true }

/** A viewer: their user id and whether they are a GM of the session. */
export type Viewer = Actor

/** The audience of a roll made by `roller` in `mode` (Foundry's roll modes). */
export function rollAudience(mode: RollMode, roller: string): Audience {
  switch (mode) {
    case 'public':
      return EVERYONE
    case 'gm':
      return { all: false, users: [roller], gms: true }
    case 'blind':
      return { all: false, users: [], gms: true, stub: [roller] }
    case 'self':
      return { all: false, users: [roller], gms: false }
  }
}

/** Whether the viewer reads the entry in full. */
export function canRead(audience: Audience, viewer: Viewer): boolean {
  return audience.all || audience.users.includes(viewer.userId) || (audience.gms && viewer.gm)
}

/** The entry as the viewer may see it, or null when it is not for them. */
export function projectEntry(entry: TableEntry, audience: Audience, viewer: Viewer): TableEntry | null {
  if (canRead(audience, viewer)) return entry
  if (!audience.all && audience.stub?.includes(viewer.userId)) return stubOf(entry)
  return null
}

/** What a stub viewer learns: that the entry exists, and who made it. */
function stubOf(entry: TableEntry): TableEntry {
  if (entry.kind === 'roll') return { ...entry, roll: null }
  if (entry.kind === 'system') return { ...entry, text: '', rolls: [] }
  if (entry.kind === 'action') return { ...entry, details: {} }
  if (entry.kind === 'reaction') return entry
  return { ...entry, text: '', ...('inline' in entry ? { inline: [] } : {}) } as TableEntry
}

/** The tracker as the viewer may see it: no hidden combatants (nor whose turn it is, if hidden) for players. */
export function projectCombat(combat: CombatState, viewer: Viewer): CombatView {
  const visible = viewer.gm ? combat.combatants : combat.combatants.filter((c) => !c.hidden)
  const turnId = visible.some((c) => c.id === combat.turnId) ? combat.turnId : null
  return {
    active: combat.active,
    round: combat.round,
    turnId,
    combatants: visible.map(({ tiebreak: _t, ...c }) => ({ ...c, conditions: [...c.conditions] })),
    timerSeconds: combat.timerSeconds,
    turnEndsAt: turnId === null && !viewer.gm ? null : combat.turnEndsAt,
  }
}

/** The scene as the viewer may see it: hidden and fogged tokens only for GMs (and owners, their own). */
export function projectScene(scene: SceneState, viewer: Viewer): SceneView {
  return {
    mapUrl: scene.mapUrl,
    grid: { ...scene.grid },
    tokens: scene.tokens.filter((t) => tokenVisible(scene, t, viewer)),
    fog: scene.fog.map((r) => ({ ...r })),
  }
}
