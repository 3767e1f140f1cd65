import { randomUUID } from 'node:crypto'
import type { WorldTradeView } from '@tavern/protocol'
import { type Rejection, reject } from '@tavern/server'
import { placeOnGround } from '../rules/ground-items.ts'
import { addItem, INVENTORY_SIZE, type Inventory, type ItemStack, removeItem } from '../rules/inventory.ts'
import type { PlayerEntity } from './entities.ts'
import type { WorldService } from './service.ts'

/** One open trade. Each side's offer is that player's escrow (stored with the player, so a crash loses nothing). */
export interface Trade {
  readonly id: string
  readonly a: string
  readonly b: string
  accepted: Set<string>
  revision: number
}

/** Open trades and pending requests of one process, kept on the service. */
export interface TradeBook {
  trades: Map<string, Trade>
  /** requester → requested */
  requests: Map<string, string>
}

const books = new WeakMap<WorldService, TradeBook>()
export function tradeBook(w: WorldService): TradeBook {
  let b = books.get(w)
  if (!b) {
    b = { trades: new Map(), requests: new Map() }
    books.set(w, b)
  }
  return b
}

function view(w: WorldService, t: Trade, me: PlayerEntity): WorldTradeView {
  const otherId = t.a === me.userId ? t.b : t.a
  const other = w.players.get(otherId)
  return {
    tradeId: t.id,
    revision: t.revision,
    with: { userId: otherId, username: other?.record.username ?? '' },
    mine: me.record.escrow,
    theirs: other?.record.escrow ?? [],
    myAccepted: t.accepted.has(me.userId),
    theirAccepted: t.accepted.has(otherId),
  }
}

function publish(w: WorldService, t: Trade): void {
  for (const id of [t.a, t.b]) {
    const p = w.players.get(id)
    if (p) p.session.send('world.trade.updated', view(w, t, p))
  }
}

function near(w: WorldService, p: PlayerEntity, q: PlayerEntity): boolean {
  return p.map === q.map && Math.max(Math.abs(p.x - q.x), Math.abs(p.y - q.y)) <= w.config.viewRadius
}

/** Asks a nearby player to trade, or opens the trade when they asked first. */
export function requestTrade(
  w: WorldService,
  p: PlayerEntity,
  targetId: string,
): { status: 'requested' | 'opened'; tradeId?: string } | Rejection {
  if (targetId === p.userId) return reject('world.trade_self')
  const q = w.players.get(targetId)
  if (!q || !near(w, p, q)) return reject('world.trade_target_not_found')
  if (p.trade || q.trade) return reject('world.trade_busy')
  const book = tradeBook(w)
  if (book.requests.get(q.userId) === p.userId) {
    book.requests.delete(q.userId)
    book.requests.delete(p.userId)
    const t: Trade = { id: `t${randomUUID()}`, a: q.userId, b: p.userId, accepted: new Set(), revision: 1 }
    book.trades.set(t.id, t)
    p.trade = t.id
    q.trade = t.id
    publish(w, t)
    return { status: 'opened', tradeId: t.id }
  }
  book.requests.set(p.userId, q.userId)
  q.session.send('world.trade.requested', { from: { userId: p.userId, username: p.record.username } })
  return { status: 'requested' }
}

function openTrade(w: WorldService, p: PlayerEntity): Trade | Rejection {
  const t = p.trade ? tradeBook(w).trades.get(p.trade) : undefined
  return t ?? reject('world.trade_not_open')
}

function changed(w: WorldService, t: Trade): void {
  t.accepted.clear()
  t.revision++
  publish(w, t)
}

/** Moves (part of) an inventory slot into the player's offer. */
export async function offer(
  w: WorldService,
  p: PlayerEntity,
  slot: number,
  quantity: number | undefined,
): Promise<WorldTradeView | Rejection> {
  const t = openTrade(w, p)
  if (!('id' in t)) return t
  if (p.record.escrow.length >= INVENTORY_SIZE) return reject('world.trade_full')
  const r = removeItem(p.record.inventory, slot, quantity)
  if (!r.ok) return reject(r.code, { details: r.details })
  p.record.inventory = r.inventory
  p.record.escrow = [...p.record.escrow, r.removed]
  w.dirty(p, 'inventory', 'escrow')
  changed(w, t)
  await w.persist(p)
  return view(w, t, p)
}

/** Takes an offer entry back into the inventory. */
export async function withdraw(
  w: WorldService,
  p: PlayerEntity,
  index: number,
): Promise<WorldTradeView | Rejection> {
  const t = openTrade(w, p)
  if (!('id' in t)) return t
  const s = p.record.escrow[index]
  if (!s) return reject('world.trade_item_not_found')
  const added = addItem(p.record.inventory, s, w.loaded.content)
  if (!added.ok) return reject(added.code)
  if (added.overflow > 0) return reject('world.inv_full')
  p.record.inventory = added.inventory
  p.record.escrow = p.record.escrow.filter((_, i) => i !== index)
  w.dirty(p, 'inventory', 'escrow')
  changed(w, t)
  await w.persist(p)
  return view(w, t, p)
}

/** Gives every stack to an inventory, all or nothing. */
function receiveAll(w: WorldService, inv: Inventory, stacks: readonly ItemStack[]): Inventory | null {
  let out = inv
  for (const s of stacks) {
    const r = addItem(out, s, w.loaded.content)
    if (!r.ok || r.overflow > 0) return null
    out = r.inventory
  }
  return out
}

/**
 * Accepts the trade as it stands (optionally at a revision the client saw). When both have accepted, both offers
 * swap in one step — both records are put in the same turn, so the hot store gets them in one atomic batch.
 */
export async function accept(
  w: WorldService,
  p: PlayerEntity,
  tradeId: string,
  revision: number | undefined,
): Promise<{ status: 'accepted' | 'completed' } | Rejection> {
  const t = openTrade(w, p)
  if (!('id' in t)) return t
  if (t.id !== tradeId || (revision !== undefined && revision !== t.revision))
    return reject('world.trade_stale')
  t.accepted.add(p.userId)
  if (t.accepted.size < 2) {
    publish(w, t)
    return { status: 'accepted' }
  }
  const a = w.players.get(t.a) as PlayerEntity
  const b = w.players.get(t.b) as PlayerEntity
  const invA = receiveAll(w, a.record.inventory, b.record.escrow)
  const invB = receiveAll(w, b.record.inventory, a.record.escrow)
  if (!invA || !invB) {
    changed(w, t)
    return reject('world.trade_no_room')
  }
  const gotA = b.record.escrow
  const gotB = a.record.escrow
  a.record.inventory = invA
  b.record.inventory = invB
  a.record.escrow = []
  b.record.escrow = []
  close(w, t, 'completed', { [a.userId]: gotA, [b.userId]: gotB })
  for (const q of [a, b]) {
    w.dirty(q, 'inventory', 'escrow')
    w.flushSelf(q)
  }
  await Promise.all([w.persist(a), w.persist(b)])
  return { status: 'completed' }
}

function close(
  w: WorldService,
  t: Trade,
  reason: 'completed' | 'cancelled' | 'left',
  received: Record<string, ItemStack[]>,
): void {
  tradeBook(w).trades.delete(t.id)
  for (const id of [t.a, t.b]) {
    const q = w.players.get(id)
    if (!q) continue
    q.trade = null
    q.session.send('world.trade.closed', { tradeId: t.id, reason, received: received[id] ?? [] })
  }
}

/** Returns a player's escrow to their inventory; what no longer fits drops at their feet, protected for them. */
function refund(w: WorldService, q: PlayerEntity): void {
  const m = w.mapOf(q)
  for (const s of q.record.escrow) {
    const r = addItem(q.record.inventory, s, w.loaded.content)
    const left = r.ok ? r.overflow : s.quantity
    if (r.ok) q.record.inventory = r.inventory
    if (left > 0)
      m.addGroundItem(placeOnGround({ ...s, quantity: left }, q.record, q.userId, w.now, w.ground))
  }
  q.record.escrow = []
  w.dirty(q, 'inventory', 'escrow')
}

/** Cancels the player's open trade (both refunded and saved in one turn); no-op without one. */
export function cancelTradeOf(w: WorldService, p: PlayerEntity, reason: 'cancelled' | 'left'): Promise<void> {
  const t = p.trade ? tradeBook(w).trades.get(p.trade) : undefined
  tradeBook(w).requests.delete(p.userId)
  if (!t) return Promise.resolve()
  const both = [t.a, t.b].map((id) => w.players.get(id)).filter((q): q is PlayerEntity => q !== undefined)
  for (const q of both) refund(w, q)
  close(w, t, reason === 'left' ? 'left' : 'cancelled', {})
  for (const q of both) w.flushSelf(q)
  const writes: Promise<void>[] = both.map((q) => w.persist(q))
  for (const q of both) writes.push(w.persistGround(w.mapOf(q)))
  return Promise.all(writes).then(() => undefined)
}

/** Drops pending requests from and to a player. */
export function forgetRequests(w: WorldService, userId: string): void {
  const book = tradeBook(w)
  book.requests.delete(userId)
  for (const [from, to] of book.requests) if (to === userId) book.requests.delete(from)
}
