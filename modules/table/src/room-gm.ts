import type { CombatView, MemberRef, SceneAction, TableRoll, TableSessionView } from '@tavern/protocol'
import { Rejection, reject, type Session } from '@tavern/server'
import { freshSeed } from './fair-dice.ts'
import type { Room } from './room.ts'
import { shortId } from './room-actions.ts'
import { applyCombat, type CombatCommand, type CombatEvent } from './rules/combat.ts'
import { applyScene, moveToken, tokenVisible } from './rules/scene.ts'
import { type Audience, EVERYONE, GMS_ONLY, projectCombat, projectScene } from './rules/visibility.ts'
import { sessionStore } from './store/sessions.ts'

interface TrackerRoll {
  roll: TableRoll
  name: string
  hidden: boolean
  purpose: 'initiative' | 'roll-off'
}

/**
 * Applies a tracker action (a GM's, or the turn timer's tick): rolls go through the room's fair dice and are
 * logged (hidden combatants' for GMs only), turn changes are logged, and everyone receives the tracker projected.
 */
export async function runCombat(
  room: Room,
  action: CombatCommand,
  by?: MemberRef,
): Promise<{ combat: CombatView } | Rejection> {
  if ('owner' in action && action.owner !== null && !room.members.has(action.owner)) {
    return reject('table.member_not_found', { details: { userId: action.owner } })
  }
  const nonce = room.dice.seed.nonce
  const rolls: TrackerRoll[] = []
  const result = applyCombat(room.state.combat, action, {
    now: room.deps.clock.now(),
    newId: shortId,
    roll: (notation, who, purpose) => {
      const r = room.dice.roll(notation, room.defaultClientSeed())
      if (!r.ok) throw new Error(`tracker notation ${notation} failed: ${r.error.message}`)
      rolls.push({ roll: r.value, name: who.name, hidden: who.hidden, purpose })
      return r.value.total
    },
  })
  if (result instanceof Rejection) {
    room.dice.seed.nonce = nonce
    return result
  }
  const viewer = room.viewerOf(by?.userId ?? '')
  if (action.type === 'tick' && result.events.length === 0)
    return { combat: projectCombat(room.state.combat, viewer) }
  room.state.combat = result.state
  const logged = (await logRolls(room, rolls)) + (await logEvents(room, result.events))
  if (logged === 0) await room.save()
  room.deliverCombat()
  return { combat: projectCombat(room.state.combat, viewer) }
}

async function logRolls(room: Room, rolls: TrackerRoll[]): Promise<number> {
  let n = 0
  for (const hidden of [false, true]) {
    const mine = rolls.filter((r) => r.hidden === hidden)
    if (mine.length === 0) continue
    const text = mine.map((r) => `${r.name} ${r.purpose === 'roll-off' ? 'roll-off ' : ''}${r.roll.total}`)
    await room.append(null, hidden ? GMS_ONLY : EVERYONE, {
      kind: 'system',
      event: 'initiative',
      text: `Initiative: ${text.join(', ')}`,
      rolls: mine.map((r) => r.roll),
    })
    n++
  }
  return n
}

async function logEvents(room: Room, events: CombatEvent[]): Promise<number> {
  let n = 0
  for (const e of events) {
    if (e.type === 'initiative') continue
    const c =
      'combatantId' in e ? room.state.combat.combatants.find((x) => x.id === e.combatantId) : undefined
    const audience: Audience = c?.hidden ? GMS_ONLY : EVERYONE
    const text =
      e.type === 'started'
        ? 'Combat begins'
        : e.type === 'ended'
          ? 'Combat ends'
          : e.type === 'turn'
            ? `Round ${e.round}: ${c?.name ?? '?'}’s turn`
            : `${c?.name ?? '?'} falls unconscious`
    await room.append(null, audience, {
      kind: 'system',
      event: e.type === 'turn' ? 'turn' : 'combat',
      text,
      rolls: [],
    })
    n++
  }
  return n
}

/** Applies a GM scene action and sends everyone the scene as they may see it. */
export async function changeScene(room: Room, member: MemberRef, action: SceneAction) {
  if (action.type === 'add_token' && action.owner !== null && !room.members.has(action.owner)) {
    return reject('table.member_not_found', { details: { userId: action.owner } })
  }
  const next = applyScene(room.state.scene, action, shortId)
  if (next instanceof Rejection) return next
  room.state.scene = next
  await room.save()
  room.deliverScene()
  return { scene: projectScene(next, room.viewerOf(member.userId)) }
}

/**
 * Moves a token. Each member gets what changed in their view: a move, the token appearing (it left the fog)
 * or disappearing (it went under fog) — never a token they may not see.
 */
export async function move(room: Room, member: MemberRef, tokenId: string, x: number, y: number) {
  const before = room.state.scene
  const m = moveToken(before, tokenId, x, y, room.viewerOf(member.userId))
  if (m instanceof Rejection) return m
  room.state.scene = m.scene
  await room.save()
  const moved: Session[] = []
  const shown: Session[] = []
  const hidden: Session[] = []
  for (const [userId, s] of room.present) {
    const v = room.viewerOf(userId)
    const was = tokenVisible(before, m.before, v)
    const is = tokenVisible(m.scene, m.after, v)
    if (was && is) moved.push(s)
    else if (is) shown.push(s)
    else if (was) hidden.push(s)
  }
  const sessionId = room.id
  room.broadcast(moved, 'table.token_moved', { sessionId, tokenId, x, y, by: member.userId })
  room.broadcast(shown, 'table.token_shown', { sessionId, token: m.after })
  room.broadcast(hidden, 'table.token_hidden', { sessionId, tokenId })
  return { x, y }
}

/** Reveals the current seed and commits a new one; rolls made so far become verifiable. */
export async function rotateSeed(room: Room) {
  const old = room.dice.seed
  const next = freshSeed(old.epoch + 1)
  const now = room.deps.clock.now()
  await room.deps.sql.transaction(async (tx) => {
    await sessionStore.revealSeed(tx, room.id, old.epoch, now)
    await sessionStore.insertSeed(tx, room.id, next, now)
  })
  room.dice.seed = next
  const revealed = { epoch: old.epoch, serverSeed: old.serverSeed, commitment: old.commitment }
  await room.append(null, EVERYONE, {
    kind: 'system',
    event: 'seed',
    text: `Seed ${old.epoch} revealed: ${old.serverSeed}. New commitment: ${next.commitment}`,
    rolls: [],
  })
  announceSession(room, revealed)
  return { revealed, fairness: room.fairness() }
}

/** A new status or phase (from REST); a completed session reveals its last seed. */
export async function applySession(
  room: Room,
  next: TableSessionView,
  revealed: { epoch: number; serverSeed: string; commitment: string } | null,
) {
  const before = room.session
  room.session = next
  const parts = []
  if (before.status !== next.status) parts.push(`status ${next.status.replace('_', ' ')}`)
  if (before.phase !== next.phase) parts.push(`phase ${next.phase}`)
  if (revealed) parts.push(`seed ${revealed.epoch} revealed: ${revealed.serverSeed}`)
  if (parts.length > 0) {
    await room.append(null, EVERYONE, {
      kind: 'system',
      event: 'session',
      text: `Session ${parts.join(', ')}`,
      rolls: [],
    })
  }
  announceSession(room, revealed)
}

function announceSession(
  room: Room,
  revealed: { epoch: number; serverSeed: string; commitment: string } | null,
) {
  room.broadcast([...room.present.values()], 'table.session', {
    sessionId: room.id,
    status: room.session.status,
    phase: room.session.phase,
    fairness: room.fairness(),
    revealed,
  })
}
