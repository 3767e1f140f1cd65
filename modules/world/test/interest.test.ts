import type { Session } from '@tavern/server'
import { beforeAll, describe, expect, it } from 'vitest'
import { emptyEquipment } from '../src/rules/equipment.ts'
import { placeOnGround } from '../src/rules/ground-items.ts'
import { emptyInventory } from '../src/rules/inventory.ts'
import { type LoadedWorld, loadWorldContent } from '../src/server/content.ts'
import { PlayerEntity } from '../src/server/entities.ts'
import { MapInstance } from '../src/server/map-instance.ts'
import type { PlayerRecord } from '../src/server/store.ts'

const rng = { int: (min: number) => min }
const session = { id: 's', user: { userId: 'u', username: 'u', role: 'player' }, data: new Map(), send() {} }

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

describe('interest management', () => {
  let loaded: LoadedWorld
  let m: MapInstance
  beforeAll(async () => {
    loaded = await loadWorldContent()
  })
  const fresh = () => {
    m = new MapInstance(loaded.world.map('forest')!, loaded.content, 16, 0, rng)
    // NPCs are not what these tests look at.
    for (const n of [...m.npcs.values()]) m.grid.remove('npcs', n)
    m.npcs.clear()
    return m
  }
  const round = (viewer: PlayerEntity, now = 0) => {
    const d = m.diffFor(viewer, 32, now)
    return d
  }
  const end = () => m.endRound()

  it('shows what is within 32 tiles, sends steps compactly, removes what leaves, skips quiet viewers', () => {
    fresh()
    const a = player('a', 0, 0)
    const b = player('b', 10, 0)
    const far = player('far', 40, 0)
    for (const p of [a, b, far]) m.addPlayer(p)
    const first = round(a)
    end()
    expect(first?.players?.added?.map((v) => v.id)).toEqual(['b'])
    expect(first?.players?.added?.[0]?.appearance).toBeDefined()
    // Nothing changed near a: no update, and no scan.
    expect(round(a)).toBeNull()
    end()
    // b steps: a gets [id, x, y, facing], not a full view.
    b.record.x = 11
    b.record.facing = 'right'
    m.touchPlayer(b, true)
    const step = round(a)
    end()
    expect(step?.players).toEqual({ moved: [['b', 11, 0, 'right']] })
    // b is hurt: a full view (without the appearance it already has).
    b.record.hp = 4
    m.touchPlayer(b)
    const hurt = round(a)
    end()
    expect(hurt?.players?.changed?.[0]).toMatchObject({ id: 'b', hp: 4 })
    expect(hurt?.players?.changed?.[0]?.appearance).toBeUndefined()
    // b walks out of range: removed.
    b.record.x = 33
    m.touchPlayer(b, true)
    expect(round(a)?.players).toEqual({ removed: ['b'] })
    end()
    // far comes within range.
    far.record.x = 30
    m.touchPlayer(far, true)
    expect(round(a)?.players?.added?.map((v) => v.id)).toEqual(['far'])
    end()
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
    m.grid.touch(m.items.get('g1')!)
    expect(round(other, g.protectedUntil)?.items?.added?.map((i) => i.id)).toEqual(['g1'])
    end()
    m.removeGroundItem('g1')
    expect(round(owner, g.protectedUntil)?.items).toEqual({ removed: ['g1'] })
    expect(round(other, g.protectedUntil)?.items).toEqual({ removed: ['g1'] })
  })

  it('serves viewers in slices, each still getting compact steps', () => {
    m = new MapInstance(loaded.world.map('forest')!, loaded.content, 16, 0, rng, 2)
    for (const n of [...m.npcs.values()]) m.grid.remove('npcs', n)
    m.npcs.clear()
    const a = player('a', 0, 0)
    const b = player('b', 1, 0)
    const c = player('c', 2, 0)
    for (const p of [a, b, c]) m.addPlayer(p)
    expect([a.slice, b.slice, c.slice]).toEqual([0, 1, 0])
    const serve = (slice: number) => {
      const out = [a, b, c].filter((p) => p.slice === slice).map((p) => m.diffFor(p, 32, 0))
      m.endRound(slice)
      return out
    }
    serve(0)
    serve(1)
    // c steps twice, once before each slice's turn: both viewers get only compact steps.
    c.record.x = 3
    m.touchPlayer(c, true)
    const [forA] = serve(0)
    c.record.x = 4
    m.touchPlayer(c, true)
    const [forB] = serve(1)
    expect(forA?.players).toEqual({ moved: [['c', 3, 0, 'down']] })
    expect(forB?.players).toEqual({ moved: [['c', 4, 0, 'down']] })
    const [again] = serve(0)
    expect(again?.players).toEqual({ moved: [['c', 4, 0, 'down']] })
  })

  it('scans only the cells around the viewer', () => {
    fresh()
    const a = player('a', 0, 0)
    m.addPlayer(a)
    round(a)
    end()
    // Many players changing far away never make a's scan run.
    const crowd = Array.from({ length: 200 }, (_, i) =>
      player(`c${i}`, 100 + (i % 20), 100 + Math.floor(i / 20)),
    )
    for (const p of crowd) m.addPlayer(p)
    for (const p of crowd) m.touchPlayer(p, true)
    expect(round(a)).toBeNull()
  })
})
