import { randomBytes } from 'node:crypto'
import type { MemberRef, RollMode, TableEntry } from '@tavern/protocol'
import { Rejection, reject, type Session } from '@tavern/server'
import type { Room } from './room.ts'
import { checkText } from './rules/session.ts'
import { type Audience, EVERYONE, GMS_ONLY, projectEntry, rollAudience } from './rules/visibility.ts'

/** Short random ids for combatants, tokens and fog areas (unique within a room, not secret). */
export function shortId(): string {
  return randomBytes(6).toString('base64url')
}

/** The entry as its author sees it (a blind roll's author sees only that they rolled). */
function asSeenBy(
  room: Room,
  member: MemberRef,
  entry: TableEntry,
  audience: Audience,
): { entry: TableEntry } {
  return { entry: projectEntry(entry, audience, room.viewerOf(member.userId)) ?? entry }
}

/** Chat at the table, with inline rolls. */
export async function say(room: Room, member: MemberRef, text: string, maxLength: number) {
  const t = checkText(text, maxLength)
  if (t instanceof Rejection) return t
  const inline = room.dice.inline(t, room.defaultClientSeed())
  if (!inline.ok) return new Rejection(inline.error)
  const entry = await room.append(member, EVERYONE, { kind: 'chat', text: t, inline: inline.value })
  return { entry }
}

/** A whisper to some members: only they and the author read it, GMs included only when addressed. */
export async function whisper(
  room: Room,
  member: MemberRef,
  to: readonly string[],
  text: string,
  maxLength: number,
) {
  const t = checkText(text, maxLength)
  if (t instanceof Rejection) return t
  const recipients: MemberRef[] = []
  for (const userId of new Set(to)) {
    if (userId === member.userId) continue
    const m = room.members.get(userId)
    if (!m) return reject('table.member_not_found', { details: { userId } })
    recipients.push(m)
  }
  if (recipients.length === 0) return reject('table.member_not_found', { message: 'Whisper to someone else' })
  const inline = room.dice.inline(t, room.defaultClientSeed())
  if (!inline.ok) return new Rejection(inline.error)
  const users = [member.userId, ...recipients.map((r) => r.userId)]
  const entry = await room.append(
    member,
    { all: false, users, gms: false },
    { kind: 'whisper', text: t, to: recipients, inline: inline.value },
  )
  return { entry }
}

/** GM narration for everyone, or a GM-only note. */
export async function narrate(
  room: Room,
  member: MemberRef,
  text: string,
  gmOnly: boolean,
  maxLength: number,
) {
  const t = checkText(text, maxLength)
  if (t instanceof Rejection) return t
  const entry = await room.append(member, gmOnly ? GMS_ONLY : EVERYONE, {
    kind: 'narration',
    text: t,
    gmOnly,
  })
  return { entry }
}

/** A player action for everyone. */
export async function act(room: Room, member: MemberRef, action: string, details: Record<string, unknown>) {
  const entry = await room.append(member, EVERYONE, { kind: 'action', action, details })
  return { entry }
}

/** A server-side roll in one of the four modes. */
export async function rollDice(
  room: Room,
  member: MemberRef,
  p: { formula: string; mode: RollMode; label?: string; clientSeed?: string },
) {
  const r = room.dice.roll(p.formula, p.clientSeed ?? room.defaultClientSeed())
  if (!r.ok) return new Rejection(r.error)
  const audience = rollAudience(p.mode, member.userId)
  const entry = await room.append(member, audience, {
    kind: 'roll',
    mode: p.mode,
    label: p.label ?? null,
    roll: r.value,
  })
  return asSeenBy(room, member, entry, audience)
}

/** A reaction on a recent entry the member can see; it reaches exactly the audience of that entry. */
export async function react(room: Room, member: MemberRef, seq: number, emoji: string, on: boolean) {
  const target = room.recentEntry(seq, room.viewerOf(member.userId))
  if (!target || target.entry.kind === 'reaction') return reject('table.entry_not_found')
  const entry = await room.append(member, target.audience, { kind: 'reaction', target: seq, emoji, on })
  return asSeenBy(room, member, entry, target.audience)
}

/** Tells the others someone is typing. */
export function typing(room: Room, member: MemberRef, isTyping: boolean) {
  room.broadcast(room.others(member.userId), 'table.typing_changed', {
    sessionId: room.id,
    userId: member.userId,
    typing: isTyping,
  })
  return {}
}

/** Leaves the room by request. */
export function leave(room: Room, session: Session) {
  room.exit(session, 'left')
  return {}
}
