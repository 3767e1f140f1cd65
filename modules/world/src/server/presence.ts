import type { ResponsePayload } from '@tavern/protocol'
import { type Rejection, reject, type Session } from '@tavern/server'
import { maxHp } from '../rules/equipment.ts'
import { addItem } from '../rules/inventory.ts'
import { PlayerEntity } from './entities.ts'
import type { MapInstance } from './map-instance.ts'
import type { WorldService } from './service.ts'
import type { PlayerRecord } from './store.ts'
import { cancelTradeOf, forgetRequests } from './trade.ts'

const channelOf = (mapId: string) => `world:${mapId.toLowerCase().replace(/[^a-z0-9_.:-]/g, '_')}`

/** Opens a chat channel per map (members: the players on it). */
export function openMapChannels(w: WorldService): void {
  const chat = w.ctx.use('chat')
  // Players on a map already see each other through world.update: no presence fan-out for map channels.
  for (const id of w.maps.keys()) chat.openChannel(channelOf(id), { presence: false })
}

/**
 * Enters the world: loads (or creates) the character, corrects an invalid saved position, returns what a trade
 * left in escrow, places the player on their map and stores the result before replying.
 */
export async function enter(
  w: WorldService,
  session: Session,
): Promise<ResponsePayload<'world.enter'> | Rejection> {
  const { userId, username, role } = session.user
  const existing = w.players.get(userId)
  if (existing && existing.session === session) return welcome(w, existing)
  await w.awaitLeave(userId)
  if (existing) await leave(w, existing, 'replaced')
  if (w.players.size >= w.config.capacity && role !== 'admin') {
    return reject('world.full', { retryAfterMs: 5000, details: { capacity: w.config.capacity } })
  }
  const stored = await w.store.players.get(userId)
  if (w.ctx.sessions.ofUser(userId) !== session) return reject('world.not_entered')
  if (w.players.has(userId)) return reject('world.not_entered', { message: 'Already entering' })
  const record = normalise(w, stored ?? w.newRecord(username), username)
  const p = new PlayerEntity(
    userId,
    session,
    record,
    maxHp(record.skills, record.equipment, w.loaded.content),
    w.now,
  )
  if (p.record.hp > p.maxHp) p.record.hp = p.maxHp
  w.players.set(userId, p)
  session.data.set('world', p)
  const m = w.mapOf(p)
  m.addPlayer(p)
  await w.persist(p)
  // A send round may have run while the record was being stored, before the client has our reply to read its
  // updates against: forget what was sent so the first round after the reply describes everything again.
  m.forget(p)
  void w.ctx
    .use('chat')
    .join(channelOf(m.id), session)
    .catch((err) => w.ctx.log.warn({ err }, 'could not join the map channel'))
  // Tiles and surroundings follow the reply.
  setImmediate(() => {
    if (w.players.get(userId) !== p) return
    pushChunks(w, p, null)
  })
  return welcome(w, p)
}

function welcome(w: WorldService, p: PlayerEntity): ResponsePayload<'world.enter'> {
  return {
    playerId: p.userId,
    username: p.record.username,
    map: w.mapInfo(w.mapOf(p).map),
    self: p.self(),
    config: w.clientConfig(),
    motd: w.config.motd,
  }
}

/** Makes a stored record playable: a map that exists, a walkable tile, escrow returned, the dead respawned. */
function normalise(w: WorldService, r: PlayerRecord, username: string): PlayerRecord {
  const { content } = w.loaded
  const rec: PlayerRecord = { ...r, username, escrow: [...(r.escrow ?? [])] }
  let m = w.maps.get(rec.map)
  if (!m || rec.dead) {
    m = w.maps.get(w.config.startMap)!
    const at = m.map.findSpawnPosition()
    Object.assign(rec, { map: m.id, x: at.x, y: at.y })
  }
  const at = m.map.findSpawnPosition({ x: rec.x, y: rec.y })
  rec.x = at.x
  rec.y = at.y
  if (rec.dead || rec.hp <= 0) {
    rec.dead = false
    rec.hp = maxHp(rec.skills, rec.equipment, content)
  }
  const left = []
  for (const s of rec.escrow) {
    const added = addItem(rec.inventory, s, content)
    if (added.ok) {
      rec.inventory = added.inventory
      if (added.overflow > 0) left.push({ ...s, quantity: added.overflow })
    } else left.push(s)
  }
  rec.escrow = left
  return rec
}

/** Leaves the world: cancels a trade, leaves the map, writes the character and evicts it from the hot store. */
export function leave(
  w: WorldService,
  p: PlayerEntity,
  reason: 'left' | 'replaced' | 'disconnected' | 'shutdown',
): Promise<void> {
  if (w.players.get(p.userId) !== p) return w.awaitLeave(p.userId)
  cancelTradeOf(w, p, 'left')
  forgetRequests(w, p.userId)
  const m = w.mapOf(p)
  for (const other of m.players.values())
    if (other.target?.kind === 'player' && other.target.id === p.userId) other.target = null
  m.removePlayer(p)
  w.players.delete(p.userId)
  p.session.data.delete('world')
  const saved = w.persist(p)
  const ground = w.persistGround(m)
  w.ctx.log.debug({ userId: p.userId, reason }, 'left the world')
  const done = (async () => {
    await w.ctx
      .use('chat')
      .leave(channelOf(m.id), p.session)
      .catch(() => undefined)
    await Promise.all([saved, ground])
    // At shutdown the final flush writes everyone in one bulk pass; evicting one by one would only slow it.
    if (reason !== 'shutdown') await w.store.players.evict(p.userId)
  })()
  return w.trackLeave(
    p.userId,
    done.catch((err) => w.ctx.log.error({ err, userId: p.userId }, 'saving a leaving player failed')),
  )
}

/** Moves a player to a tile of another (or the same) map: events, channel, chunks. The caller persists. */
export function changeMap(w: WorldService, p: PlayerEntity, mapId: string, x: number, y: number): void {
  const from = w.mapOf(p)
  const to = w.maps.get(mapId) as MapInstance
  const at = to.map.findSpawnPosition({ x, y })
  if (from === to) {
    p.record.x = at.x
    p.record.y = at.y
    from.touchPlayer(p, true)
    w.dirty(p, 'x', 'y')
    pushChunks(w, p, null)
    return
  }
  cancelTradeOf(w, p, 'left')
  for (const other of from.players.values())
    if (other.target?.kind === 'player' && other.target.id === p.userId) other.target = null
  p.target = null
  from.removePlayer(p)
  p.record.map = to.id
  p.record.x = at.x
  p.record.y = at.y
  to.addPlayer(p)
  const chat = w.ctx.use('chat')
  void chat
    .leave(channelOf(from.id), p.session)
    .then(() => chat.join(channelOf(to.id), p.session))
    .catch((err) => w.ctx.log.warn({ err }, 'could not move the map channel'))
  p.session.send('world.map_changed', { map: w.mapInfo(to.map), x: at.x, y: at.y, facing: p.record.facing })
  pushChunks(w, p, null)
}

/** Pushes the 3×3 chunks around the player, leaving out those of the previous 3×3 (the client has them). */
export function pushChunks(w: WorldService, p: PlayerEntity, from: { x: number; y: number } | null): void {
  const m = w.mapOf(p)
  const size = 16
  const fcx = from ? Math.floor(from.x / size) : Number.NaN
  const fcy = from ? Math.floor(from.y / size) : Number.NaN
  const chunks = m.chunksAround(p.x, p.y, 1, (cx, cy) => Math.abs(cx - fcx) <= 1 && Math.abs(cy - fcy) <= 1)
  if (chunks.length > 0) p.session.send('world.chunk_data', { map: m.id, chunks })
}
