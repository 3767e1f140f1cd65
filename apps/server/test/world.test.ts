import type { TestServer } from '@tavern/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collect, uniqueName, until } from './helpers.ts'
import {
  enterWorld,
  sleep,
  startWorldServer,
  stepAnywhere,
  untilSeenAt,
  walk,
  worldOf,
} from './world-helpers.ts'

describe('the world over real sockets', () => {
  let server: TestServer
  const adminName = uniqueName('adm')
  beforeAll(async () => {
    server = await startWorldServer({ admin: adminName })
  })
  afterAll(() => server?.close())

  it('two players enter, see each other move, chat locally, and get their chunks', async () => {
    const a = await enterWorld(server.url)
    const chunksA = collect(a.client, 'world.chunk_data')
    // b speaks JSON: its updates, stitched as msgpack on the server, reach it decoded.
    const b = await enterWorld(server.url, uniqueName('w'), { format: 'json' })
    expect(a.enter.map.id).toBe('town')
    expect(a.enter.config).toMatchObject({ moveCooldownMs: 150, chunkSize: 16, viewRadius: 32 })
    expect(a.enter.self.inventory).toHaveLength(28)
    expect(a.enter.self.hp.current).toBe(a.enter.self.hp.max)
    await until(() => a.seen.players.has(b.enter.playerId), 3000, 'a sees b')
    await until(() => b.seen.players.has(a.enter.playerId), 3000, 'b sees a')
    await until(() => chunksA.length > 0 || a.updates.length > 0, 3000, 'chunks')

    // b steps; a sees the new position.
    const before = b.enter.self
    const moved = await stepAnywhere(b)
    expect(moved).toBeDefined()
    expect(Math.abs(moved.x - before.x) + Math.abs(moved.y - before.y)).toBe(1)
    await untilSeenAt(a, b.enter.playerId, moved, 'a sees b move')

    const heard = collect(a.client, 'chat.message')
    await b.client.request('world.say', { text: '  hello neighbour ' })
    await until(() => heard.length === 1, 3000, 'local chat')
    expect(heard[0]).toMatchObject({ channel: 'local', text: 'hello neighbour', from: { username: b.name } })
    await expect(b.client.request('world.say', { text: 'x'.repeat(281) })).rejects.toMatchObject({
      code: 'world.chat_too_long',
    })

    // b leaves; a gets a removal.
    await b.client.request('world.leave', {})
    await until(() => !a.seen.players.has(b.enter.playerId), 3000, 'a sees b leave')
    a.client.close()
    b.client.close()
  })

  it('sends updates without a seq, and resets the view of a client that resumed', async () => {
    const a = await enterWorld(server.url)
    const b = await enterWorld(server.url)
    const seqs: Array<number | undefined> = []
    a.client.on('world.update', (_u, meta) => seqs.push(meta.seq))
    await until(() => a.seen.players.has(b.enter.playerId), 3000, 'a sees b')
    expect(seqs.length).toBeGreaterThan(0)
    expect(seqs.every((s) => s === undefined)).toBe(true)

    // A ghost in a's view that the server never sent: a reset must drop it.
    a.seen.players.set('ghost', { id: 'ghost' })
    const resumed = new Promise<void>((resolve) =>
      a.client.on('world.update', (u) => (u.reset ? resolve() : undefined)),
    )
    const session = a.client.sessionId
    a.client.dropConnection()
    const moved = await stepAnywhere(b)
    expect(moved).toBeDefined()
    await resumed
    expect(a.client.sessionId).toBe(session)
    expect(a.seen.players.has('ghost')).toBe(false)
    await untilSeenAt(a, b.enter.playerId, moved, 'a sees where b went while it was away')
    a.client.close()
    b.client.close()
  })

  it('refuses walls, speeding, far chunks, afar pickups and items you do not have', async () => {
    const a = await enterWorld(server.url)
    const w = worldOf(server)
    const p = w.players.get(a.enter.playerId)!
    const m = w.mapOf(p).map
    // Find a blocked neighbour of some walkable tile and stand there.
    let spot: { x: number; y: number; dir: 'up' | 'down' | 'left' | 'right' } | undefined
    for (let y = m.originY + 1; y < m.originY + m.height - 1 && !spot; y++) {
      for (let x = m.originX + 1; x < m.originX + m.width - 1 && !spot; x++) {
        if (
          m.isWalkable(x, y) &&
          m.isWalkable(x - 1, y) &&
          !m.isWalkable(x + 1, y) &&
          !m.portalAt(x, y) &&
          !m.portalAt(x - 1, y)
        )
          spot = { x, y, dir: 'right' }
      }
    }
    expect(spot).toBeDefined()
    p.record.x = spot!.x
    p.record.y = spot!.y
    w.mapOf(p).touchPlayer(p, true)
    await expect(a.client.request('world.move', { dir: spot!.dir })).rejects.toMatchObject({
      code: 'world.move_blocked',
    })
    await sleep(160)
    // Too fast: the second step inside 150 ms is refused with a retry-after.
    const tries = await Promise.allSettled([
      a.client.request('world.move', { dir: 'left' }),
      a.client.request('world.move', { dir: 'right' }),
    ])
    const refusal = tries.find((t) => t.status === 'rejected') as PromiseRejectedResult | undefined
    expect(refusal?.reason).toMatchObject({
      code: expect.stringMatching(/world.move_cooldown|sys.rate_limited/),
    })
    expect(refusal?.reason.retryAfterMs).toBeGreaterThan(0)

    await expect(a.client.request('world.chunks', { x: p.x + 200, y: p.y, radius: 1 })).rejects.toMatchObject(
      {
        code: 'world.map_chunk_too_far',
      },
    )
    await expect(a.client.request('world.chunks', { x: p.x, y: p.y, radius: 3 })).rejects.toMatchObject({
      code: 'world.map_chunk_radius',
    })
    await expect(
      a.client.request('world.chunks', { x: p.x, y: p.y, radius: 1, map: 'cave' }),
    ).rejects.toMatchObject({
      code: 'world.map_not_current',
    })
    const ok = await a.client.request('world.chunks', { x: p.x, y: p.y, radius: 1 })
    expect(ok.chunks.length).toBeGreaterThan(0)

    // Equip from an empty slot; drop something and try to pick it up from another tile.
    await expect(a.client.request('world.equip', { slot: 27 })).rejects.toMatchObject({
      code: 'world.inv_slot_empty',
    })
    const slot = p.record.inventory.findIndex((s) => s !== null)
    const { groundItemId } = await a.client.request('world.inventory.drop', { slot })
    await sleep(210)
    p.record.x += 0
    const away = [
      ['left', 'right'],
      ['right', 'left'],
      ['up', 'down'],
      ['down', 'up'],
    ] as const
    let stepped: (typeof away)[number] | undefined
    for (const pair of away) {
      if (await a.client.request('world.move', { dir: pair[0] }).catch(() => null)) {
        stepped = pair
        break
      }
      await sleep(160)
    }
    expect(stepped).toBeDefined()
    await expect(a.client.request('world.pickup', { groundItemId })).rejects.toMatchObject({
      code: 'world.ground_item_too_far',
    })
    await sleep(210)
    await walk(a, stepped![1])
    const got = await a.client.request('world.pickup', { groundItemId })
    expect(got.taken).toBeGreaterThan(0)
    await expect(a.client.request('world.pickup', { groundItemId })).rejects.toMatchObject({
      code: 'world.ground_item_not_found',
    })
    // Not an admin.
    await expect(
      a.client.request('world.admin.give', { username: a.name, item: 'coins', quantity: 5 }),
    ).rejects.toMatchObject({ code: 'auth.forbidden' })
    a.client.close()
  })

  it('crosses a portal and gets the new map', async () => {
    const admin = await enterWorld(server.url, adminName)
    const mapChanged = collect(admin.client, 'world.map_changed')
    const chunks = collect(admin.client, 'world.chunk_data')
    // The town's east portal covers (47,16)-(47,17): stand next to it and step on.
    await admin.client.request('world.admin.teleport', { map: 'town', x: 46, y: 17 })
    await sleep(160)
    const r = await admin.client.request('world.move', { dir: 'right' })
    expect(r.map).toBe('forest')
    await until(() => mapChanged.length === 1, 3000, 'map_changed')
    expect(mapChanged[0]!.map.id).toBe('forest')
    await until(() => chunks.some((c) => c.map === 'forest'), 3000, 'forest chunks')
    admin.client.close()
  })

  it('checks the role of the session for admin messages and admin give works', async () => {
    const admin = await enterWorld(server.url, adminName)
    const a = await enterWorld(server.url)
    const r = await admin.client.request('world.admin.give', {
      username: a.name,
      item: 'bronze_sword',
      quantity: 2,
    })
    expect(r).toEqual({ added: 2, dropped: 0 })
    await until(() => a.selfEvents.some((e) => e.inventory), 3000, 'inventory event')
    const inv = (await a.client.request('world.state', {})).inventory
    const swords = inv.filter((s) => s?.item === 'bronze_sword')
    expect(swords).toHaveLength(2)
    expect(new Set(swords.map((s) => s!.uid)).size).toBe(2)
    await expect(a.client.request('world.admin.kick', { username: admin.name })).rejects.toMatchObject({
      code: 'auth.forbidden',
    })
    // The admin kicks the player: their session ends and they leave the world.
    await admin.client.request('world.admin.kick', { username: a.name })
    await until(() => !worldOf(server).players.has(a.enter.playerId), 3000, 'kicked player leaves')
    admin.client.close()
    a.client.close()
  })
})

describe('world REST', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startWorldServer()
  })
  afterAll(() => server?.close())

  it('serves maps, tilesets, sprites, icons, items and appearance options to signed-in users only', async () => {
    const a = await enterWorld(server.url)
    const auth = { authorization: `Bearer ${a.client.tokens!.accessToken}` }
    const get = (path: string, headers: Record<string, string> = auth) =>
      fetch(`${server.url}${path}`, { headers })
    expect((await get('/api/world/maps', {})).status).toBe(401)
    const maps = (await (await get('/api/world/maps')).json()) as { maps: Array<{ id: string }> }
    expect(maps.maps.map((m) => m.id).sort()).toEqual(['cave', 'forest', 'town'])
    const town = (await (await get('/api/world/maps/town')).json()) as {
      tilesets: Array<{ image: string | null; source: string | null }>
      portals: unknown[]
    }
    expect(town.portals.length).toBeGreaterThan(0)
    const image = town.tilesets[0]!.image!
    const png = await get(image)
    expect(png.status).toBe(200)
    expect(png.headers.get('content-type')).toBe('image/png')
    expect((await get(town.tilesets[0]!.source!)).status).toBe(200)
    expect((await get('/api/world/maps/nowhere')).status).toBe(404)
    for (const evil of [
      '/api/world/tilesets/..%2F..%2Fpackage.json',
      '/api/world/tilesets/../maps/town.tmx',
      '/api/world/sprites/..%2F..%2F..%2F..%2Fpackage.json',
      '/api/world/icons/%2Fetc%2Fpasswd',
    ]) {
      expect([400, 404]).toContain((await get(evil)).status)
    }
    const sprites = (await (await get('/api/world/sprites')).json()) as { characters: { sprites: object } }
    expect(Object.keys(sprites.characters.sprites)).toContain('body_1')
    expect((await get('/api/world/icons/items.png')).status).toBe(200)
    const items = (await (await get('/api/world/items')).json()) as { items: Array<{ id: string }> }
    expect(items.items.length).toBeGreaterThan(50)
    const options = (await (await get('/api/world/appearance')).json()) as { bodies: string[] }
    expect(options.bodies).toContain('body_1')
    // An option outside the choices is refused.
    await expect(
      a.client.request('world.appearance', { appearance: { ...a.enter.self.appearance, body: 'dragon' } }),
    ).rejects.toMatchObject({ code: 'world.appearance_invalid' })
    a.client.close()
  })
})

describe('world capacity', () => {
  let server: TestServer
  const adminName = uniqueName('adm')
  beforeAll(async () => {
    server = await startWorldServer({ admin: adminName, capacity: 1 })
  })
  afterAll(() => server?.close())

  it('turns players away when full, with a retry-after; admins bypass', async () => {
    const a = await enterWorld(server.url)
    const err = await enterWorld(server.url).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'world.full' })
    expect((err as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0)
    const admin = await enterWorld(server.url, adminName)
    expect(admin.enter.playerId).toBeTruthy()
    expect(worldOf(server).players.size).toBe(2)
    a.client.close()
    admin.client.close()
  })
})
