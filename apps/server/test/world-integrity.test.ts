import type { TestServer } from '@tavern/server/testing'
import { type ItemStack, placeOnGround } from '@tavern/world'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { until } from './helpers.ts'
import { enterWorld, sleep, startWorldServer, type WorldPlayer, worldOf } from './world-helpers.ts'

/** Every item instance, wherever it is: inventories, equipment, trade escrow (online or stored) and the ground. */
async function census(server: TestServer, userIds: readonly string[]) {
  const w = worldOf(server)
  const counts = new Map<string, number>()
  const uids = new Map<string, number>()
  const add = (s: ItemStack | null | undefined) => {
    if (!s) return
    counts.set(s.item, (counts.get(s.item) ?? 0) + s.quantity)
    if (s.uid) uids.set(s.uid, (uids.get(s.uid) ?? 0) + 1)
  }
  for (const id of userIds) {
    const rec = w.players.get(id)?.record ?? (await w.store.players.get(id))
    if (!rec) continue
    rec.inventory.forEach(add)
    Object.values(rec.equipment).forEach(add)
    rec.escrow.forEach(add)
  }
  for (const m of w.maps.values()) for (const g of m.items.values()) add(g.item.stack)
  return { counts, uids }
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T

describe('item conservation under concurrent players', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startWorldServer()
  })
  afterAll(() => server?.close())

  it('two players racing for one item: exactly one gets it', async () => {
    const w = worldOf(server)
    const a = await enterWorld(server.url)
    const b = await enterWorld(server.url)
    const pa = w.players.get(a.enter.playerId)!
    const pb = w.players.get(b.enter.playerId)!
    pb.record.x = pa.x
    pb.record.y = pa.y
    w.mapOf(pb).touchPlayer(pb, true)
    for (let round = 0; round < 10; round++) {
      const g = w
        .mapOf(pa)
        .addGroundItem(
          placeOnGround(w.mint({ item: 'bronze_sword', quantity: 1 }), pa.record, null, Date.now(), w.ground),
        )
      const [ra, rb] = await Promise.allSettled([
        a.client.request('world.pickup', { groundItemId: g.id }),
        b.client.request('world.pickup', { groundItemId: g.id }),
      ])
      const wins = [ra, rb].filter((r) => r.status === 'fulfilled')
      expect(wins).toHaveLength(1)
      const loss = [ra, rb].find((r) => r.status === 'rejected') as PromiseRejectedResult
      expect(loss.reason.code).toBe('world.ground_item_not_found')
      await sleep(210)
    }
    const swords = [...pa.record.inventory, ...pb.record.inventory].filter((s) => s?.item === 'bronze_sword')
    expect(swords).toHaveLength(10)
    expect(new Set(swords.map((s) => s!.uid)).size).toBe(10)
    a.client.close()
    b.client.close()
  })

  it('drops, pickups, equips, trades and reconnects racing each other neither duplicate nor lose an item', async () => {
    const w = worldOf(server)
    const n = 6
    let players: WorldPlayer[] = []
    for (let i = 0; i < n; i++) players.push(await enterWorld(server.url))
    const ids = players.map((p) => p.enter.playerId)
    const names = players.map((p) => p.name)
    const home = w.players.get(ids[0]!)!
    const map = w.mapOf(home)
    // Everyone on one tile, with gear and coins to move around; loose items on the ground for everyone.
    for (const id of ids) {
      const e = w.players.get(id)!
      e.record.x = home.x
      e.record.y = home.y
      map.touchPlayer(e, true)
      for (const item of ['bronze_sword', 'bronze_kiteshield', 'bread']) {
        if (!w.loaded.content.items.has(item)) continue
        const inv = [...e.record.inventory]
        const free = inv.indexOf(null)
        inv[free] = w.mint({ item, quantity: 1 })
        e.record.inventory = inv
      }
    }
    for (let i = 0; i < 8; i++)
      map.addGroundItem(
        placeOnGround(
          w.mint({ item: pick(['bronze_sword', 'coins', 'bread']), quantity: 1 }),
          home.record,
          null,
          Date.now(),
          w.ground,
        ),
      )
    const before = await census(server, ids)

    // Race for at least 6 s, and on until every kind of move has happened at least once (a loaded machine runs
    // fewer rounds), for 40 s at most.
    const kinds = ['drop', 'pickup', 'equip', 'offer', 'reconnect', 'trade completed']
    const minStop = Date.now() + 6000
    const hardStop = Date.now() + 40_000
    const errors: unknown[] = []
    const done: Record<string, number> = {}
    const racing = () => Date.now() < hardStop && (Date.now() < minStop || kinds.some((k) => !done[k]))
    const ok = (what: string) => {
      done[what] = (done[what] ?? 0) + 1
    }
    const act = async (i: number) => {
      while (racing()) {
        const p = players[i]!
        const e = w.players.get(p.enter.playerId)
        const inv = e?.record.inventory ?? []
        const full = inv.map((s, k) => (s ? k : -1)).filter((k) => k >= 0)
        const op = Math.random()
        try {
          if (op < 0.03) {
            // Drop the connection mid-flight and come back.
            void p.client.request('world.inventory.drop', { slot: full[0] ?? 0 }).catch(() => undefined)
            p.client.close()
            await sleep(20)
            players[i] = await enterWorld(server.url, names[i])
            ok('reconnect')
          } else if (op < 0.2 && full.length > 0) {
            await p.client.request('world.inventory.drop', { slot: pick(full) }).then(() => ok('drop'))
          } else if (op < 0.42) {
            const here = [...map.items.values()].filter((g) => g.x === e?.x && g.y === e?.y)
            if (here.length > 0)
              await p.client.request('world.pickup', { groundItemId: pick(here).id }).then(() => ok('pickup'))
          } else if (op < 0.5 && full.length > 0) {
            await p.client.request('world.equip', { slot: pick(full) }).then(() => ok('equip'))
          } else if (op < 0.55) {
            await p.client.request('world.unequip', { slot: pick(['weapon', 'body', 'shield'] as const) })
          } else if (op < 0.6) {
            await p.client.request('world.inventory.move', {
              from: pick([0, 1, 2, 3]),
              to: pick([4, 5, 6, 27]),
            })
          } else if (op < 0.72) {
            await p.client.request('world.trade.request', { userId: ids[i ^ 1]! })
          } else if (op < 0.84 && full.length > 0) {
            await p.client.request('world.trade.offer', { slot: pick(full) }).then(() => ok('offer'))
          } else if (op < 0.97) {
            const t = e?.trade
            if (t)
              await p.client
                .request('world.trade.accept', { tradeId: t })
                .then((r) => ok(`trade ${r.status}`))
          } else await p.client.request('world.trade.cancel', {})
        } catch (err) {
          const code = (err as { code?: string }).code ?? ''
          if (code === 'sys.internal' || code === '') errors.push(err)
        }
        await sleep(5 + Math.random() * 30)
      }
    }
    await Promise.all(players.map((_, i) => act(i)))
    expect(errors).toEqual([])
    // The race did happen: items changed hands every way the test allows.
    for (const what of kinds) expect(done[what] ?? 0, what).toBeGreaterThan(0)
    console.log('integrity run', JSON.stringify(done))
    for (const p of players) p.client.close()
    await until(() => ids.every((id) => !w.players.has(id)), 5000, 'everyone left')
    await sleep(100)
    players = []
    const after = await census(server, ids)
    expect(Object.fromEntries(after.counts)).toEqual(Object.fromEntries(before.counts))
    expect([...after.uids.values()].every((c) => c === 1)).toBe(true)
    expect(new Set(after.uids.keys())).toEqual(new Set(before.uids.keys()))
  }, 60_000)
})
