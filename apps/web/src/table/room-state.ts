import type { EventPayload, TableEntry, TableRoomView } from '@tavern/protocol'

/** The room as this client shows it, with who is typing. */
export interface RoomState extends TableRoomView {
  typing: string[]
}

export type RoomEvent =
  | { type: 'table.entry'; p: EventPayload<'table.entry'> }
  | { type: 'table.joined'; p: EventPayload<'table.joined'> }
  | { type: 'table.left'; p: EventPayload<'table.left'> }
  | { type: 'table.presence'; p: EventPayload<'table.presence'> }
  | { type: 'table.members'; p: EventPayload<'table.members'> }
  | { type: 'table.typing_changed'; p: EventPayload<'table.typing_changed'> }
  | { type: 'table.session'; p: EventPayload<'table.session'> }
  | { type: 'table.combat_updated'; p: EventPayload<'table.combat_updated'> }
  | { type: 'table.scene_updated'; p: EventPayload<'table.scene_updated'> }
  | { type: 'table.token_moved'; p: EventPayload<'table.token_moved'> }
  | { type: 'table.token_shown'; p: EventPayload<'table.token_shown'> }
  | { type: 'table.token_hidden'; p: EventPayload<'table.token_hidden'> }

export const roomEventTypes = [
  'table.entry',
  'table.joined',
  'table.left',
  'table.presence',
  'table.members',
  'table.typing_changed',
  'table.session',
  'table.combat_updated',
  'table.scene_updated',
  'table.token_moved',
  'table.token_shown',
  'table.token_hidden',
] as const

const LOG_LIMIT = 300

/** Adds an entry once (events replayed after a resume may repeat one the reply already had). */
export function withEntry(s: RoomState, entry: TableEntry): RoomState {
  if (s.recent.some((e) => e.seq === entry.seq)) return s
  return { ...s, recent: [...s.recent, entry].slice(-LOG_LIMIT) }
}

/** Applies one room event. Events of other sessions are ignored. */
export function reduceRoom(s: RoomState, ev: RoomEvent): RoomState {
  if (ev.p.sessionId !== s.session.id) return s
  switch (ev.type) {
    case 'table.entry':
      return withEntry(s, ev.p.entry)
    case 'table.joined':
      return {
        ...s,
        members: [...s.members.filter((m) => m.userId !== ev.p.member.userId), ev.p.member],
      }
    case 'table.left':
    case 'table.presence': {
      const online = ev.type === 'table.presence' && ev.p.status === 'online'
      const gone = ev.type === 'table.left' && ev.p.reason === 'removed'
      const members = gone
        ? s.members.filter((m) => m.userId !== ev.p.userId)
        : s.members.map((m) => (m.userId === ev.p.userId ? { ...m, online } : m))
      return { ...s, members, typing: s.typing.filter((u) => u !== ev.p.userId) }
    }
    case 'table.members': {
      const online = new Map(s.members.map((m) => [m.userId, m.online]))
      return { ...s, members: ev.p.members.map((m) => ({ ...m, online: online.get(m.userId) ?? m.online })) }
    }
    case 'table.typing_changed':
      return {
        ...s,
        typing: ev.p.typing
          ? [...new Set([...s.typing, ev.p.userId])]
          : s.typing.filter((u) => u !== ev.p.userId),
      }
    case 'table.session':
      return {
        ...s,
        session: { ...s.session, status: ev.p.status, phase: ev.p.phase },
        fairness: ev.p.fairness,
      }
    case 'table.combat_updated':
      return { ...s, combat: ev.p.combat }
    case 'table.scene_updated':
      return { ...s, scene: ev.p.scene }
    case 'table.token_moved':
      // Only tokens in view move; anything else is a stale event (the token already left the view).
      if (!s.scene.tokens.some((t) => t.id === ev.p.tokenId)) return s
      return {
        ...s,
        scene: {
          ...s.scene,
          tokens: s.scene.tokens.map((t) => (t.id === ev.p.tokenId ? { ...t, x: ev.p.x, y: ev.p.y } : t)),
        },
      }
    case 'table.token_shown':
      return {
        ...s,
        scene: { ...s.scene, tokens: [...s.scene.tokens.filter((t) => t.id !== ev.p.token.id), ev.p.token] },
      }
    case 'table.token_hidden':
      return { ...s, scene: { ...s.scene, tokens: s.scene.tokens.filter((t) => t.id !== ev.p.tokenId) } }
  }
}
