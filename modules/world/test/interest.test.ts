import type { Session } from '@tavern/server'
import { unpack } from 'msgpackr'
import { beforeAll, describe, expect, it } from 'vitest'
import { emptyEquipment } from '../src/rules/equipment.ts'
import { placeOnGround } from '../src/rules/ground-items.ts'
import { emptyInventory } from '../src/rules/inventory.ts'
import { type LoadedWorld, loadWorldContent } from '../src/server/content.ts'
import { PlayerEntity } from '../src/server/entities.ts'
import { MapInstance } from '../src/server/map-instance.ts'
import type { PlayerRecord } from '../src/server/store.ts'

const rng = { int: (min: number) => min }
const session = {
  id: 's',
  user: { userId: 'u', username: 'u', role: 'player' },
  data: new Map(),
  send() {},
  sendMsgpack() {},
}

function player(id: string, x: number, y: number): PlayerEntity {
  const record: PlayerRecord = {
    username: id,
    map: 'forest',
    x,
    y,
    facing: 'down',
    hp: 10,
    dead: false,
    inventory: emptyInventory(),
    equipment: emptyEquipment(),
    skills: {},
    appearance: {
      body: 'body_1',
      skin: 0,
      head: 0,
      hairStyle: 0,
      hairColour: '#000000',
      eyes: '#000000',
      facialHair: 0,
      shirtStyle: 0,
      shirtColour: '#000000',
      pantsStyle: 0,
      pantsColour: '#000000',
      shoesStyle: 0,
      shoesColour: '#000000',
    },
    autoRetaliate: true,
    escrow: [],
    updatedAt: 0,
  }
  return new PlayerEntity(id, session as unknown as Session, record, 10, 0)
}

type Update = {
  players?: {
    added?: Array<{ id: string; ref: number; appearance?: unknown }>
    changed?: Array<{ id: string; hp: number; appearance?: unknown }>
    removed?: string[]
    moved?: unknown[][]
  }
  npcs?: unknown
  items?: { added?: Array<{ id: string }>; removed?: string[] }
}

describe('interest management', () => {
  let loaded: LoadedWorld
  let m: MapInstance
  beforeAll(async () => {
    loaded = await loadWorldContent()
  })
  const fresh = () => {
    m = new MapInstance(loaded.world.map('forest')!, loaded.content, 16, 0, rng, 32)
    // NPCs are not what these tests look at.
    for (const n of [...m.npcs.values()]) m.grid.remove('npcs', n)
    m.npcs.clear()
    return m
  }
  const round = (viewer: PlayerEntity, now = 0): Update | null => {
    const u = m.updateFor(viewer, now)
    if (!u) return null
    const b = Buffer.alloc(u.length)
    u.write(b, 0)
    return unpack(b) as Update
  }
  const end = () => m.endRound()
  const step = (p: PlayerEntity, x: number, y = p.y) => {
    p.record.x = x
    p.record.y = y
    m.touchPlayer(p, true)
  }

  it('shows the cells within reach, sends steps compactly, removes what leaves, skips quiet viewers', () => {
    fresh()
    // 16-tile cells and a 32-tile radius: a in cell 0 sees cells -2..2, tiles -32..47.
    const a = player('a', 0, 0)
    const b = player('b', 10, 0)
    const far = player('far', 50, 0)
    for (const p of [a, b, far]) m.addPlayer(p)
    const first = round(a)
    end()
    expect(first?.players?.added?.map((v) => v.id)).toEqual(['b'])
    expect(first?.players?.added?.[0]?.appearance).toBeDefined()
    // Nothing changed near a: no update.
    expect(round(a)).toBeNull()
    end()
    // b steps: a gets [ref, x, y, facing], not a full view.
    expect(first?.players?.added?.[0]).toMatchObject({ id: 'b', ref: b.ref })
    b.record.facing = 'right'
    step(b, 11)
    expect(round(a)?.players).toEqual({ moved: [[b.ref, 11, 0, 'right']] })
    end()
    // b is hurt: a full view (without the appearance it already has).
    b.record.hp = 4
    m.touchPlayer(b)
    const hurt = round(a)
    end()
    expect(hurt?.players?.changed?.[0]).toMatchObject({ id: 'b', hp: 4 })
    expect(hurt?.players?.changed?.[0]?.appearance).toBeUndefined()
    // A new appearance is sent with it.
    m.touchPlayer(b, false, true)
    expect(round(a)?.players?.changed?.[0]?.appearance).toBeDefined()
    end()
    // b walks out of reach: removed.
    step(b, 48)
    expect(round(a)?.players).toEqual({ removed: ['b'] })
    end()
    // far comes into reach: added, with its appearance.
    step(far, 30)
    expect(round(a)?.players?.added?.map((v) => v.id)).toEqual(['far'])
    end()
  })

  it('tells a viewer who changed cells what came into view, what left it and what merely stepped', () => {
    fresh()
    const a = player('a', 0, 0)
    const b = player('b', 40, 0)
    const d = player('d', -20, 0)
    const c = player('c', 60, 0)
    for (const p of [a, b, c, d]) m.addPlayer(p)
    expect(new Set(round(a)?.players?.added?.map((v) => v.id))).toEqual(new Set(['b', 'd']))
    end()
    // a moves into cell 1 (sees cells -1..3) while b steps: c appears, d is gone, b just moved.
    step(a, 16)
    step(b, 41)
    const u = round(a)
    end()
    expect(u?.players?.added?.map((v) => v.id)).toEqual(['c'])
    expect(u?.players?.removed).toEqual(['d'])
    expect(u?.players?.moved).toEqual([[b.ref, 41, 0, 'down']])
  })

  it('turns a player who logs out and back within one round into a full view, never a removal', () => {
    fresh()
    const a = player('a', 0, 0)
    const b = player('b', 5, 0)
    m.addPlayer(a)
    m.addPlayer(b)
    round(a)
    end()
    m.removePlayer(b)
    const again = player('b', 6, 0)
    m.addPlayer(again)
    const u = round(a)
    expect(u?.players?.removed).toBeUndefined()
    expect(u?.players?.changed?.[0]).toMatchObject({ id: 'b', x: 6 })
    expect(u?.players?.changed?.[0]?.appearance).toBeDefined()
  })

  it('hides loot protected for someone else until the protection ends, and removes what is picked up', () => {
    fresh()
    const owner = player('owner', 0, 0)
    const other = player('other', 1, 0)
    m.addPlayer(owner)
    m.addPlayer(other)
    round(owner)
    round(other)
    end()
    const ctx = { items: loaded.content.items, newId: () => 'g1' }
    const g = placeOnGround({ item: 'coins', quantity: 3 }, { map: 'forest', x: 0, y: 0 }, 'owner', 0, ctx)
    m.addGroundItem(g)
    expect(round(owner, 1000)?.items?.added?.map((i) => i.id)).toEqual(['g1'])
    expect(round(other, 1000)).toBeNull()
    end()
    // Protection over (the sweep marks the cell changed): the other player sees it.
    m.grid.touchItem(m.items.get('g1')!)
    expect(round(other, g.protectedUntil)?.items?.added?.map((i) => i.id)).toEqual(['g1'])
    end()
    m.removeGroundItem('g1')
    expect(round(owner, g.protectedUntil)?.items).toEqual({ removed: ['g1'] })
    expect(round(other, g.protectedUntil)?.items).toEqual({ removed: ['g1'] })
  })

  it('tells swings with the update to those who see the tile, once', () => {
    fresh()
    const a = player('a', 0, 0)
    const b = player('b', 5, 0)
    const far = player('far', 100, 0)
    for (const p of [a, b, far]) m.addPlayer(p)
    for (const p of [a, b, far]) round(p)
    end()
    const swing = {
      attacker: { kind: 'player' as const, id: 'a' },
      target: { kind: 'player' as const, id: 'b' },
      hit: true,
      damage: 3,
      targetHp: 7,
      targetMaxHp: 10,
      at: 5,
    }
    m.swing(b.x, b.y, swing)
    const sent = new Map<string, unknown>()
    m.roundUpdates(5, (viewers, u) => {
      const bytes = Buffer.alloc(u.length)
      u.write(bytes, 0)
      for (const v of viewers) sent.set(v.userId, (unpack(bytes) as { combat?: unknown }).combat)
    })
    end()
    expect(sent.get('a')).toEqual([swing])
    expect(sent.get('b')).toEqual([swing])
    expect(sent.has('far')).toBe(false)
    // Told once: the next round has nothing to say.
    expect(round(a)).toBeNull()
  })

  it('reads only the cells around the viewer', () => {
    fresh()
    const a = player('a', 0, 0)
    m.addPlayer(a)
    round(a)
    end()
    // Many players changing far away never reach a.
    const crowd = Array.from({ length: 200 }, (_, i) =>
      player(`c${i}`, 100 + (i % 20), 100 + Math.floor(i / 20)),
    )
    for (const p of crowd) m.addPlayer(p)
    for (const p of crowd) step(p, p.x + 1)
    expect(round(a)).toBeNull()
  })

  it('tells of a player who logged in again within a round as a changed view with their new ref', () => {
    fresh()
    const a = player('a', 0, 0)
    const before = player('b', 10, 0)
    for (const p of [a, before]) m.addPlayer(p)
    round(a)
    end()
    // A new session (a new entity, a new ref) takes the place of the old one before the next round.
    m.removePlayer(before)
    const after = player('b', 12, 0)
    m.addPlayer(after)
    expect(after.ref).not.toBe(before.ref)
    const u = round(a)
    end()
    // Not removed and added in one update (a client applying removals last would lose them): one view, to replace.
    expect(u?.players?.removed).toBeUndefined()
    expect(u?.players?.added).toBeUndefined()
    expect(u?.players?.changed).toMatchObject([{ id: 'b', ref: after.ref, x: 12 }])
    // Their steps from then on name the new ref.
    step(after, 13)
    expect(round(a)?.players).toEqual({ moved: [[after.ref, 13, 0, 'down']] })
  })

  it('keeps every client exactly in step with its block through random walks, crossings, logouts and returns', () => {
    fresh()
    let seed = 42
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const all = Array.from({ length: 40 }, (_, i) => player(`p${i}`, rand(120) - 60, rand(120) - 60))
    const online = new Set<PlayerEntity>()
    const clients = new Map<PlayerEntity, Map<string, { x: number; y: number }>>()
    /** What each client learnt of refs: the id of every view it was given, by its ref. */
    const refs = new Map<PlayerEntity, Map<number, string>>()
    const join = (p: PlayerEntity) => {
      m.addPlayer(p)
      online.add(p)
      clients.set(p, new Map())
      refs.set(p, new Map())
    }
    for (const p of all.slice(0, 30)) join(p)
    let shared = 0
    for (let r = 0; r < 150; r++) {
      for (const p of all) {
        const roll = rand(100)
        if (!online.has(p)) {
          if (roll < 10) join(p)
          continue
        }
        if (roll < 50) step(p, p.x + rand(3) - 1, p.y + rand(3) - 1)
        else if (roll < 52)
          step(p, rand(120) - 60, rand(120) - 60) // a teleport
        else if (roll < 55) {
          m.removePlayer(p)
          online.delete(p)
          clients.delete(p)
          if (roll === 54) join(p) // back within the same round
        } else if (roll < 58) {
          p.record.hp = rand(10)
          m.touchPlayer(p)
        }
      }
      // As the server sends them: shared by a cell's stayers, or a viewer's own.
      const updates = new Map<PlayerEntity, Update>()
      m.roundUpdates(0, (viewers, u) => {
        const b = Buffer.alloc(u.length)
        u.write(b, 0)
        const decoded = unpack(b) as Update
        if (viewers.length > 1) shared++
        for (const v of viewers) {
          expect(updates.has(v)).toBe(false)
          updates.set(v, decoded)
        }
      })
      for (const p of online) {
        const view = clients.get(p)!
        const d = updates.get(p)?.players as Update['players'] & {
          changed?: Array<{ id: string; x: number; y: number }>
        }
        const ids = [...(d?.added ?? []), ...(d?.changed ?? [])].map((v) => v.id)
        // One update never both adds and removes an entity, and never adds or removes the viewer.
        for (const id of d?.removed ?? []) expect(ids).not.toContain(id)
        expect(d?.added?.map((v) => v.id) ?? []).not.toContain(p.userId)
        expect(d?.removed ?? []).not.toContain(p.userId)
        const known = refs.get(p)!
        for (const v of [...(d?.added ?? []), ...(d?.changed ?? [])] as Array<{
          id: string
          ref: number
          x: number
          y: number
        }>) {
          if (v.id === p.userId) continue
          view.set(v.id, { x: v.x, y: v.y })
          known.set(v.ref, v.id)
        }
        for (const [ref, x, y] of (d?.moved ?? []) as Array<[number, number, number]>) {
          if (ref === p.ref) continue // one's own step, in an update shared by the cell
          // A step names a view the client holds, by the ref of that very player.
          const id = known.get(ref)
          expect(id).toBe([...online].find((q) => q.ref === ref)?.userId)
          expect(view.has(id!)).toBe(true)
          view.set(id!, { x, y })
        }
        for (const id of d?.removed ?? []) {
          expect(view.has(id)).toBe(true)
          view.delete(id)
        }
        const want = new Map<string, { x: number; y: number }>()
        for (const q of online) {
          const dx = Math.floor(q.x / 16) - Math.floor(p.x / 16)
          const dy = Math.floor(q.y / 16) - Math.floor(p.y / 16)
          if (q !== p && Math.abs(dx) <= 2 && Math.abs(dy) <= 2) want.set(q.userId, { x: q.x, y: q.y })
        }
        expect(view).toEqual(want)
      }
      end()
    }
    // Cells shared their update among several viewers many times over.
    expect(shared).toBeGreaterThan(100)
  })
})
