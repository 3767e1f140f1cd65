import type { TestServer } from '@tavern/server/testing'
import { playerDied } from '@tavern/world/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collect, uniqueName, until } from './helpers.ts'
import { enterWorld, sleep, startWorldServer, type WorldPlayer, worldOf } from './world-helpers.ts'

/** Puts a player on a tile (tests only: the server's own state, reached through the kernel). */
function place(server: TestServer, p: WorldPlayer, x: number, y: number): void {
  const w = worldOf(server)
  const e = w.players.get(p.enter.playerId)!
  e.record.x = x
  e.record.y = y
  w.mapOf(e).touchPlayer(e, true)
}

describe('playing the world: combat, death, items, trades, persistence', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startWorldServer({ admin: uniqueName('adm') })
  })
  afterAll(() => server?.close())

  it('fights an NPC and gains XP, dies, drops everything with timers and respawns', async () => {
    const a = await enterWorld(server.url)
    const w = worldOf(server)
    const e = w.players.get(a.enter.playerId)!
    // A strong fighter, so the test does not wait on dice.
    e.record.skills = {
      ...e.record.skills,
      attack: { level: 60, xp: 300_000 },
      strength: { level: 60, xp: 300_000 },
    }
    const m = w.mapOf(e)
    const rat = [...m.npcs.values()].find((n) => n.def.id === 'giant_rat' && n.alive)!
    expect(rat).toBeDefined()
    const spot = [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]
      .map(([dx, dy]) => ({ x: rat.x + dx!, y: rat.y + dy! }))
      .find((t) => m.map.isWalkable(t.x, t.y))!
    place(server, a, spot.x, spot.y)
    await a.client.request('world.attack', { targetKind: 'npc', targetId: rat.id })
    // Swings near you arrive with the next update.
    await until(
      () =>
        a.updates.some((u) => u.combat?.some((s) => s.target.id === rat.id && s.attacker.id === e.userId)),
      3000,
      'a swing',
    )
    await until(() => a.selfEvents.some((s) => (s.xp?.attack ?? 0) > 0), 40_000, 'attack XP')
    const stats = await a.client.request('world.stats', {})
    expect(stats.skills.attack!.xp).toBeGreaterThan(300_000)

    // Death: everything lies on the death tile, with despawn timers; respawn at the start map.
    await a.client.request('world.stop_attack', {})
    const died = collect(a.client, 'world.died')
    const respawned = collect(a.client, 'world.respawned')
    const carried = e.record.inventory.filter((s) => s !== null).length
    const at = { x: e.x, y: e.y }
    playerDied(w, m, e, null)
    await until(() => died.length === 1, 3000, 'died')
    const drops = [...m.items.values()].filter(
      (g) => g.x === at.x && g.y === at.y && g.item.owner === e.userId,
    )
    expect(drops.length).toBe(carried)
    for (const d of drops) expect(d.item.despawnAt).toBeGreaterThan(Date.now())
    await expect(a.client.request('world.move', { dir: 'up' })).rejects.toMatchObject({
      code: 'world.player_dead',
    })
    await until(() => respawned.length === 1, 5000, 'respawned')
    expect(respawned[0]!.hp.current).toBe(respawned[0]!.hp.max)
    a.client.close()
  }, 60_000)

  it('trades atomically, refuses what you do not have, and a cancel refunds', async () => {
    const a = await enterWorld(server.url)
    const b = await enterWorld(server.url)
    place(server, b, a.enter.self.x, a.enter.self.y)
    const coinsSlot = a.enter.self.inventory.findIndex((s) => s?.item === 'coins')
    const breadSlot = b.enter.self.inventory.findIndex((s) => s?.item === 'bread')

    await expect(a.client.request('world.trade.offer', { slot: coinsSlot })).rejects.toMatchObject({
      code: 'world.trade_not_open',
    })
    const requested = collect(b.client, 'world.trade.requested')
    expect((await a.client.request('world.trade.request', { userId: b.enter.playerId })).status).toBe(
      'requested',
    )
    await until(() => requested.length === 1, 3000, 'request arrives')
    const opened = await b.client.request('world.trade.request', { userId: a.enter.playerId })
    expect(opened.status).toBe('opened')
    const tradeId = opened.tradeId!

    // An empty slot is not an offer; neither is more than you have.
    await expect(a.client.request('world.trade.offer', { slot: 27 })).rejects.toMatchObject({
      code: 'world.inv_slot_empty',
    })
    await expect(
      a.client.request('world.trade.offer', { slot: coinsSlot, quantity: 1000 }),
    ).rejects.toMatchObject({
      code: 'world.inv_insufficient_quantity',
    })
    await a.client.request('world.trade.offer', { slot: coinsSlot, quantity: 10 })
    const v = await b.client.request('world.trade.offer', { slot: breadSlot, quantity: 2 })
    expect(v.theirs).toEqual([{ item: 'coins', quantity: 10 }])
    expect((await a.client.request('world.trade.accept', { tradeId })).status).toBe('accepted')
    // A change clears acceptances: b withdraws and re-offers; a's earlier accept no longer counts.
    await b.client.request('world.trade.withdraw', { index: 0 })
    const again = await b.client.request('world.trade.offer', { slot: breadSlot, quantity: 2 })
    expect(again.theirAccepted).toBe(false)
    await expect(
      a.client.request('world.trade.accept', { tradeId, revision: again.revision - 1 }),
    ).rejects.toMatchObject({ code: 'world.trade_stale' })
    const closed = collect(a.client, 'world.trade.closed')
    await a.client.request('world.trade.accept', { tradeId, revision: again.revision })
    expect((await b.client.request('world.trade.accept', { tradeId })).status).toBe('completed')
    await until(() => closed.length === 1, 3000, 'closed')
    expect(closed[0]).toMatchObject({ reason: 'completed', received: [{ item: 'bread', quantity: 2 }] })
    const sa = await a.client.request('world.state', {})
    const sb = await b.client.request('world.state', {})
    expect(sa.inventory.find((s) => s?.item === 'coins')?.quantity).toBe(15)
    expect(sa.inventory.filter((s) => s?.item === 'bread').reduce((n, s) => n + s!.quantity, 0)).toBe(5)
    expect(sb.inventory.filter((s) => s?.item === 'coins').reduce((n, s) => n + s!.quantity, 0)).toBe(35)
    expect(sa.escrow).toEqual([])

    // Cancel refunds; disconnecting cancels too.
    await sleep(1000)
    await a.client.request('world.trade.request', { userId: b.enter.playerId })
    await b.client.request('world.trade.request', { userId: a.enter.playerId })
    await a.client.request('world.trade.offer', {
      slot: sa.inventory.findIndex((s) => s?.item === 'coins'),
      quantity: 5,
    })
    const bClosed = collect(b.client, 'world.trade.closed')
    a.client.close()
    await until(() => bClosed.length === 1, 5000, 'disconnect cancels')
    expect(bClosed[0]!.reason).toBe('left')
    const back = await enterWorld(server.url, a.name)
    expect(back.enter.self.inventory.find((s) => s?.item === 'coins')?.quantity).toBe(15)
    expect(back.enter.self.escrow).toEqual([])
    back.client.close()
    b.client.close()
  })

  it('finds everything as it was after logging out and a server restart', async () => {
    const a = await enterWorld(server.url)
    // b stays online through the restart: the shutdown saves it too.
    const b = await enterWorld(server.url)
    await b.client.request('world.inventory.move', { from: 0, to: 20 })
    const bBefore = await b.client.request('world.state', {})
    await sleep(160)
    let moved = await a.client.request('world.move', { dir: 'down' }).catch(() => null)
    if (!moved) {
      await sleep(160)
      moved = await a.client.request('world.move', { dir: 'up' })
    }
    await a.client.request('world.inventory.move', { from: 0, to: 10 })
    await a.client.request('world.appearance', {
      appearance: { ...a.enter.self.appearance, hairStyle: 3, shirtColour: '#112233' },
    })
    // Something left on the ground survives the restart too (protected for its owner).
    const breadSlot = (await a.client.request('world.state', {})).inventory.findIndex(
      (s) => s?.item === 'bread',
    )
    const { groundItemId } = await a.client.request('world.inventory.drop', { slot: breadSlot, quantity: 1 })
    const before = await a.client.request('world.state', {})
    a.client.close()
    await sleep(200)
    server = await server.restart()
    const again = await enterWorld(server.url, a.name)
    const after = again.enter.self
    await until(() => again.seen.items.has(groundItemId), 3000, 'the dropped bread is still there')
    expect(again.seen.items.get(groundItemId)).toMatchObject({ item: 'bread', quantity: 1 })
    expect({ map: after.map, x: after.x, y: after.y }).toEqual({ map: before.map, x: before.x, y: before.y })
    expect(after.inventory).toEqual(before.inventory)
    expect(after.skills).toEqual(before.skills)
    expect(after.appearance).toEqual(before.appearance)
    b.client.close()
    const bAgain = await enterWorld(server.url, b.name)
    expect(bAgain.enter.self.inventory).toEqual(bBefore.inventory)
    expect({ x: bAgain.enter.self.x, y: bAgain.enter.self.y }).toEqual({ x: bBefore.x, y: bBefore.y })
    bAgain.client.close()
    again.client.close()
  })
})
