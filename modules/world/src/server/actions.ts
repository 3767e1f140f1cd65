import type { ParsedRequest, ResponsePayload, WorldAppearance } from '@tavern/protocol'
import { type Rejection, reject } from '@tavern/server'
import { equip, unequip } from '../rules/equipment.ts'
import { dropItem, pickUp, placeOnGround } from '../rules/ground-items.ts'
import { moveItem, removeItem, sortInventory } from '../rules/inventory.ts'
import { changedChunk, checkChunkRequest, step } from '../rules/movement.ts'
import type { Result } from '../rules/result.ts'
import type { PlayerEntity } from './entities.ts'
import { changeMap, pushChunks } from './presence.ts'
import type { WorldService } from './service.ts'

/** A rule's rejection as the edge's rejection. */
export function refused(r: Result<object> & { ok: false }): Rejection {
  return reject(r.code, {
    ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}),
    ...(r.details ? { details: r.details } : {}),
  })
}

function alive(p: PlayerEntity): Rejection | null {
  return p.alive ? null : reject('world.player_dead')
}

/**
 * One step; a portal tile moves the player to its destination. Replies at once: the position is stored within a
 * second (`walked`).
 */
export function move(
  w: WorldService,
  p: PlayerEntity,
  dir: string,
): ResponsePayload<'world.move'> | Rejection {
  const m = w.mapOf(p)
  const r = step(p, dir, m.map, w.now)
  if (!r.ok) return refused(r)
  const from = { x: p.x, y: p.y }
  p.record.x = r.x
  p.record.y = r.y
  p.record.facing = r.facing
  p.lastMoveAt = r.lastMoveAt
  if (p.target) {
    p.target = null
    w.dirty(p, 'target')
  }
  m.touchPlayer(p, true)
  if (r.portal) {
    const d = w.loaded.world.destination(r.portal)
    changeMap(w, p, d.map, d.x, d.y)
  } else if (changedChunk(from, r)) pushChunks(w, p, from)
  w.flushSelf(p)
  w.walked(p)
  return { map: p.map, x: p.x, y: p.y, facing: p.record.facing }
}

/** Chunks around a tile of the player's map, within the seed's limits. */
export function chunks(
  w: WorldService,
  p: PlayerEntity,
  req: ParsedRequest<'world.chunks'>,
): ResponsePayload<'world.chunks'> | Rejection {
  const ok = checkChunkRequest(p.record, req)
  if (!ok.ok) return refused(ok)
  return { map: p.map, chunks: w.mapOf(p).chunksAround(req.x, req.y, ok.radius) }
}

let said = 0
/** Local chat: `chat.message` on channel `local` to everyone within the view radius (the speaker too). */
export function say(
  w: WorldService,
  p: PlayerEntity,
  text: string,
): ResponsePayload<'world.say'> | Rejection {
  const t = text.trim()
  if (t.length === 0) return reject('world.chat_empty')
  if ([...t].length > 280) return reject('world.chat_too_long', { details: { maxLength: 280 } })
  const at = w.now
  const id = `l${at.toString(36)}${(++said).toString(36)}`
  w.broadcastNear(w.mapOf(p), p.x, p.y, 'chat.message', {
    id,
    channel: 'local',
    from: p.session.user,
    text: t,
    at,
  })
  return { id, at }
}

async function saved(
  w: WorldService,
  p: PlayerEntity,
  fields: Parameters<WorldService['dirty']>[1][],
): Promise<void> {
  w.dirty(p, ...fields)
  w.flushSelf(p)
  const m = w.mapOf(p)
  await Promise.all([w.persist(p), w.persistGround(m)])
}

export async function inventoryMove(w: WorldService, p: PlayerEntity, from: number, to: number) {
  const r = moveItem(p.record.inventory, from, to, w.loaded.content)
  if (!r.ok) return refused(r)
  p.record.inventory = r.inventory
  await saved(w, p, ['inventory'])
  return {}
}

export async function inventorySort(w: WorldService, p: PlayerEntity, by: string) {
  const r = sortInventory(p.record.inventory, by, w.loaded.content)
  if (!r.ok) return refused(r)
  p.record.inventory = r.inventory
  await saved(w, p, ['inventory'])
  return {}
}

/** Drops on the player's tile (protected for them); ends their attack. Player and ground are put together. */
export async function drop(w: WorldService, p: PlayerEntity, slot: number, quantity: number | undefined) {
  const dead = alive(p)
  if (dead) return dead
  const r = dropItem(p.record.inventory, slot, quantity, { id: p.userId, ...p.record }, w.now, w.ground)
  if (!r.ok) return refused(r)
  p.record.inventory = r.inventory
  p.target = null
  w.mapOf(p).addGroundItem(r.groundItem)
  await saved(w, p, ['inventory', 'target'])
  return { groundItemId: r.groundItem.id }
}

/**
 * Picks up from the exact tile. The item leaves the ground and enters the inventory in the same synchronous step,
 * so two players racing for it cannot both get it; what does not fit stays on the ground.
 */
export async function pickup(w: WorldService, p: PlayerEntity, id: string) {
  const dead = alive(p)
  if (dead) return dead
  const m = w.mapOf(p)
  const item = m.items.get(id)?.item
  const r = pickUp(p.record.inventory, item, { id: p.userId, ...p.record }, w.now, w.loaded.content)
  if (!r.ok) return refused(r)
  p.record.inventory = r.inventory
  p.target = null
  if (r.remaining) m.updateGroundItem(r.remaining)
  else m.removeGroundItem(id)
  await saved(w, p, ['inventory', 'target'])
  return { taken: r.taken, remaining: r.remaining?.stack.quantity ?? 0 }
}

/** Eats food: heals up to max HP and uses one. */
export async function use(w: WorldService, p: PlayerEntity, slot: number) {
  const dead = alive(p)
  if (dead) return dead
  const s = p.record.inventory[slot]
  if (!s) return reject('world.inv_slot_empty')
  const heals = w.loaded.content.items.get(s.item)?.heals
  if (!heals) return reject('world.inv_not_usable')
  const r = removeItem(p.record.inventory, slot, 1)
  if (!r.ok) return refused(r)
  p.record.inventory = r.inventory
  p.record.hp = Math.min(p.maxHp, p.record.hp + heals)
  w.mapOf(p).touchPlayer(p)
  await saved(w, p, ['inventory', 'hp'])
  return { hp: { current: p.record.hp, max: p.maxHp } }
}

export async function wear(w: WorldService, p: PlayerEntity, slot: number) {
  const dead = alive(p)
  if (dead) return dead
  const r = equip({ ...p.record, hp: { current: p.record.hp, max: p.maxHp } }, slot, w.loaded.content)
  if (!r.ok) return refused(r)
  p.record.inventory = r.inventory
  p.record.equipment = r.equipment
  p.record.hp = r.hp.current
  w.refreshMaxHp(p)
  w.mapOf(p).touchPlayer(p)
  await saved(w, p, ['inventory', 'equipment', 'hp'])
  return {}
}

export async function takeOff(w: WorldService, p: PlayerEntity, slot: string) {
  const dead = alive(p)
  if (dead) return dead
  const r = unequip({ ...p.record, hp: { current: p.record.hp, max: p.maxHp } }, slot, w.loaded.content)
  if (!r.ok) return refused(r)
  p.record.inventory = r.inventory
  p.record.equipment = r.equipment
  p.record.hp = r.hp.current
  const m = w.mapOf(p)
  for (const e of r.effects) m.addGroundItem(placeOnGround(e.stack, p.record, p.userId, w.now, w.ground))
  w.refreshMaxHp(p)
  m.touchPlayer(p)
  await saved(w, p, ['inventory', 'equipment', 'hp'])
  return {}
}

/** The choices of `GET /api/world/appearance`; every style is an index below its count. */
export function appearanceOptions(w: WorldService) {
  return {
    bodies: w.bodies,
    styles: {
      skin: 8,
      head: 4,
      hairStyle: 8,
      facialHair: 5,
      shirtStyle: 4,
      pantsStyle: 4,
      shoesStyle: 3,
    },
    colours: ['hairColour', 'eyes', 'shirtColour', 'pantsColour', 'shoesColour'],
  }
}

export async function setAppearance(w: WorldService, p: PlayerEntity, a: WorldAppearance) {
  const o = appearanceOptions(w)
  if (!o.bodies.includes(a.body)) return reject('world.appearance_invalid', { details: { field: 'body' } })
  for (const [k, n] of Object.entries(o.styles)) {
    if (((a as Record<string, unknown>)[k] as number) >= n)
      return reject('world.appearance_invalid', { details: { field: k, max: n - 1 } })
  }
  p.record.appearance = a
  const m = w.mapOf(p)
  m.touchPlayer(p, false, true)
  await saved(w, p, ['appearance'])
  return { appearance: a }
}
