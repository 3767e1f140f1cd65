import type { ParsedRequest, ResponsePayload } from '@tavern/protocol'
import { type Rejection, reject, roleAtLeast, type Session } from '@tavern/server'
import { placeOnGround } from '../rules/ground-items.ts'
import { addItem } from '../rules/inventory.ts'
import type { PlayerEntity } from './entities.ts'
import { changeMap } from './presence.ts'
import type { WorldService } from './service.ts'

/** Roles come from the session's verified account, never from the payload. */
function needs(session: Session, role: 'moderator' | 'admin'): Rejection | null {
  return roleAtLeast(session.user.role, role) ? null : reject('auth.forbidden')
}

function byName(w: WorldService, username: string): PlayerEntity | undefined {
  const lower = username.toLowerCase()
  for (const p of w.players.values()) if (p.record.username.toLowerCase() === lower) return p
  return undefined
}

/** Gives an item to a player in the world; what does not fit drops at their feet (protected for them). */
export async function give(
  w: WorldService,
  session: Session,
  req: ParsedRequest<'world.admin.give'>,
): Promise<ResponsePayload<'world.admin.give'> | Rejection> {
  const denied = needs(session, 'admin')
  if (denied) return denied
  const def = w.loaded.content.items.get(req.item)
  if (!def) return reject('world.admin_unknown_item')
  const p = byName(w, req.username)
  if (!p) return reject('world.player_not_found')
  const m = w.mapOf(p)
  let added = 0
  let dropped = 0
  // Gear is handed out one instance at a time, each with its own id.
  const stacks =
    def.maxStack === 1
      ? Array.from({ length: req.quantity }, () => w.mint({ item: def.id, quantity: 1 }))
      : [{ item: def.id, quantity: req.quantity }]
  for (const s of stacks) {
    const r = addItem(p.record.inventory, s, w.loaded.content)
    const left = r.ok ? r.overflow : s.quantity
    if (r.ok) p.record.inventory = r.inventory
    added += s.quantity - left
    if (left > 0) {
      m.addGroundItem(placeOnGround({ ...s, quantity: left }, p.record, p.userId, w.now, w.ground))
      dropped += left
    }
  }
  w.dirty(p, 'inventory')
  w.flushSelf(p)
  await Promise.all([w.persist(p), w.persistGround(m)])
  return { added, dropped }
}

export async function teleport(
  w: WorldService,
  session: Session,
  req: ParsedRequest<'world.admin.teleport'>,
): Promise<ResponsePayload<'world.admin.teleport'> | Rejection> {
  const denied = needs(session, 'admin')
  if (denied) return denied
  const p = req.username ? byName(w, req.username) : w.players.get(session.user.userId)
  if (!p) return reject(req.username ? 'world.player_not_found' : 'world.not_entered')
  if (!w.maps.has(req.map)) return reject('world.map_not_found')
  p.target = null
  changeMap(w, p, req.map, req.x, req.y)
  w.flushSelf(p)
  await w.persist(p)
  return { map: p.map, x: p.x, y: p.y, facing: p.record.facing }
}

export async function kick(w: WorldService, session: Session, username: string) {
  const denied = needs(session, 'moderator')
  if (denied) return denied
  const user = await w.ctx.use('accounts').findByUsername(username)
  if (!user) return reject('world.player_not_found')
  if (user.userId === session.user.userId || roleAtLeast(user.role, session.user.role))
    return reject('auth.forbidden', { message: 'You can only kick accounts of a lower role' })
  await w.ctx.sessions.disconnectUser(user.userId, 'kicked')
  return {}
}

export async function ban(w: WorldService, session: Session, req: ParsedRequest<'world.admin.ban'>) {
  const denied = needs(session, 'admin')
  if (denied) return denied
  const accounts = w.ctx.use('accounts')
  const user = await accounts.findByUsername(req.username)
  if (!user) return reject('world.player_not_found')
  const until = req.minutes ? w.now + req.minutes * 60_000 : undefined
  const r = await accounts.ban(
    { userId: session.user.userId, role: session.user.role },
    user.userId,
    until === undefined ? { reason: req.reason ?? '' } : { until, reason: req.reason ?? '' },
  )
  if ('body' in r) return r
  return {}
}
