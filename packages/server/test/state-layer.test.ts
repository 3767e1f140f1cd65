import { Registry } from 'prom-client'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { HotStore } from '../src/hot/types.ts'
import { stateKeys } from '../src/state/flusher.ts'
import type { StateLayerRuntime } from '../src/state/layer.ts'
import type { Database } from '../src/storage/sql.ts'
import { openTestDatabase, openTestHotStore } from '../src/testing/stack.ts'
import { count, instrumented, layer, type Player, playerSpec, stacks, testSchema } from './state-fixtures.ts'

describe.each(stacks)('state layer on $db + $hot', (stack) => {
  let db: Database
  let hot: HotStore
  const layers: StateLayerRuntime[] = []
  const track = (l: StateLayerRuntime): StateLayerRuntime => {
    layers.push(l)
    return l
  }

  beforeAll(async () => {
    db = await openTestDatabase(stack.db)
    await db.exec(testSchema)
  })
  afterAll(async () => {
    await db?.close()
  })
  beforeEach(async () => {
    await db.exec('TRUNCATE test_players, test_chat')
    hot = await openTestHotStore(stack.hot)
  })
  afterEach(async () => {
    // Abandoned ("crashed") layers are not stopped on purpose; stopping the rest would flush, so only settle them.
    for (const l of layers.splice(0)) await l.settled()
    await hot.close()
  })

  it('put makes the value visible hot and marks it dirty in the same batch', async () => {
    const state = track(layer(hot, db))
    const players = state.define(playerSpec())
    await players.put('p1', { name: 'Ada', hp: 10 })
    expect(JSON.parse((await hot.get(stateKeys.value('test.player', 'p1'))) as string)).toEqual({
      name: 'Ada',
      hp: 10,
    })
    const marks = await hot.hgetall(stateKeys.dirty('test.player'))
    expect(Object.keys(marks)).toEqual(['p1'])
    expect(await players.get('p1')).toEqual({ name: 'Ada', hp: 10 })
    expect(await count(db, 'test_players')).toBe(0)
  })

  it('flush writes dirty values durably and clears their marks', async () => {
    const registry = new Registry()
    const state = track(layer(hot, db, { metrics: registry }))
    const players = state.define(playerSpec())
    await Promise.all(Array.from({ length: 250 }, (_, i) => players.put(`p${i}`, { name: `n${i}`, hp: i })))
    await state.flushAll()
    expect(await count(db, 'test_players')).toBe(250)
    expect(await db.query('SELECT name, hp FROM test_players WHERE id = $1', ['p42'])).toEqual([
      { name: 'n42', hp: 42 },
    ])
    expect(await hot.hgetall(stateKeys.dirty('test.player'))).toEqual({})
    // The hot copy stays: the owner keeps serving it.
    expect(await hot.get(stateKeys.value('test.player', 'p1'))).not.toBeNull()
    const text = await registry.metrics()
    expect(text).toMatch(/tavern_state_flush_rows_sum\{kind="test.player",type="state"\} 250/)
    expect(text).toMatch(/tavern_state_dirty\{kind="test.player",type="state"\} 250/)
  })

  it('flush(ids) writes only those ids', async () => {
    const state = track(layer(hot, db))
    const players = state.define(playerSpec())
    await players.put('a', { name: 'A', hp: 1 })
    await players.put('b', { name: 'B', hp: 2 })
    await players.flush(['a', 'missing'])
    expect(await db.query('SELECT id FROM test_players')).toEqual([{ id: 'a' }])
    expect(Object.keys(await hot.hgetall(stateKeys.dirty('test.player')))).toEqual(['b'])
  })

  it('a put that lands during a flush stays dirty and is written next time', async () => {
    let players!: ReturnType<StateLayerRuntime['define']>
    let raced = false
    const state = track(layer(hot, db))
    players = state.define<Player>(
      playerSpec({
        beforeSave: async () => {
          if (raced) return
          raced = true
          await players.put('p1', { name: 'Ada', hp: 2 })
        },
      }),
    )
    await players.put('p1', { name: 'Ada', hp: 1 })
    await players.flush()
    expect(await db.query('SELECT hp FROM test_players')).toEqual([{ hp: 1 }])
    expect(await hot.hget(stateKeys.dirty('test.player'), 'p1')).not.toBeNull()
    await players.flush()
    expect(await db.query('SELECT hp FROM test_players')).toEqual([{ hp: 2 }])
    expect(await hot.hget(stateKeys.dirty('test.player'), 'p1')).toBeNull()
  })

  it('a failing save keeps every value and mark, and the next flush succeeds', async () => {
    let broken = true
    const failures: string[] = []
    const state = track(layer(hot, db, { metrics: { failed: (e) => failures.push(e.kind) } }))
    const players = state.define(
      playerSpec({
        beforeSave: () => {
          if (broken) throw new Error('database is down')
        },
      }),
    )
    await players.put('p1', { name: 'Ada', hp: 1 })
    await players.put('p2', { name: 'Bob', hp: 1 })
    await expect(players.flush()).rejects.toThrow(/test.player: flush failed/)
    expect(failures).toEqual(['test.player'])
    expect(Object.keys(await hot.hgetall(stateKeys.dirty('test.player'))).sort()).toEqual(['p1', 'p2'])
    expect(await count(db, 'test_players')).toBe(0)
    broken = false
    await players.flush()
    expect(await count(db, 'test_players')).toBe(2)
    expect(await hot.hgetall(stateKeys.dirty('test.player'))).toEqual({})
  })

  it('evict never drops a value whose durable write failed', async () => {
    let broken = true
    const state = track(layer(hot, db))
    const players = state.define(
      playerSpec({
        beforeSave: () => {
          if (broken) throw new Error('database is down')
        },
      }),
    )
    await players.put('p1', { name: 'Ada', hp: 7 })
    await expect(players.evict('p1')).rejects.toThrow()
    expect(await hot.get(stateKeys.value('test.player', 'p1'))).not.toBeNull()
    expect(await hot.hget(stateKeys.dirty('test.player'), 'p1')).not.toBeNull()
    broken = false
    await players.evict('p1')
    expect(await hot.get(stateKeys.value('test.player', 'p1'))).toBeNull()
    expect(await db.query('SELECT hp FROM test_players')).toEqual([{ hp: 7 }])
    // get reloads from the durable store and caches it hot, clean.
    expect(await players.get('p1')).toEqual({ name: 'Ada', hp: 7 })
    expect(await hot.get(stateKeys.value('test.player', 'p1'))).not.toBeNull()
    expect(await hot.hget(stateKeys.dirty('test.player'), 'p1')).toBeNull()
    expect(await players.get('nobody')).toBeUndefined()
  })

  it('evict keeps a value that was put again while it was being flushed', async () => {
    let players!: ReturnType<StateLayerRuntime['define']>
    let raced = false
    const state = track(layer(hot, db))
    players = state.define<Player>(
      playerSpec({
        beforeSave: async () => {
          if (raced) return
          raced = true
          await players.put('p1', { name: 'Ada', hp: 9 })
        },
      }),
    )
    await players.put('p1', { name: 'Ada', hp: 8 })
    await players.evict('p1')
    expect(await players.get('p1')).toEqual({ name: 'Ada', hp: 9 })
    expect(await hot.hget(stateKeys.dirty('test.player'), 'p1')).not.toBeNull()
  })

  it('get does not let a cached durable copy overwrite a newer put', async () => {
    const state = track(layer(hot, db))
    let players!: ReturnType<StateLayerRuntime['define']>
    const spec = playerSpec()
    players = state.define<Player>({
      ...spec,
      async load(ids, sql) {
        const found = await spec.load(ids, sql)
        await players.put('p1', { name: 'Ada', hp: 99 }) // a put lands between the hot miss and the cache fill
        return found
      },
    })
    await db.query(`INSERT INTO test_players VALUES ('p1', 'Ada', 1)`)
    expect(await players.get('p1')).toEqual({ name: 'Ada', hp: 99 })
    expect(JSON.parse((await hot.get(stateKeys.value('test.player', 'p1'))) as string).hp).toBe(99)
  })

  it('recovery: a new instance flushes what a crashed one left dirty', async () => {
    const crashed = track(layer(hot, db))
    const before = crashed.define(playerSpec())
    await Promise.all([before.put('p1', { name: 'Ada', hp: 3 }), before.put('p2', { name: 'Bob', hp: 4 })])
    // The first instance is abandoned without stop(): nothing reached the durable store.
    expect(await count(db, 'test_players')).toBe(0)
    const fresh = track(layer(hot, db))
    fresh.define(playerSpec())
    await fresh.start()
    expect(await db.query('SELECT id, hp FROM test_players ORDER BY id')).toEqual([
      { id: 'p1', hp: 3 },
      { id: 'p2', hp: 4 },
    ])
    expect(await hot.hgetall(stateKeys.dirty('test.player'))).toEqual({})
    await fresh.stop()
  })

  it('coalesces 1,000 puts of one turn into one hot-store round trip', async () => {
    const counted = instrumented(hot)
    const batches: number[] = []
    const state = track(layer(counted, db, { metrics: { batched: (e) => batches.push(e.puts) } }))
    const players = state.define(playerSpec())
    const acks = Array.from({ length: 1000 }, (_, i) => players.put(`p${i % 800}`, { name: 'x', hp: i }))
    await Promise.all(acks)
    expect(counted.calls.get('multi')).toBe(1)
    expect(batches).toEqual([800]) // 200 ids were put twice; the last value wins
    expect(JSON.parse((await hot.get(stateKeys.value('test.player', 'p5'))) as string).hp).toBe(805)
    expect(await hot.hget(stateKeys.dirty('test.player'), 'p799')).not.toBeNull()
    // A later turn is a new round trip.
    await players.put('p1', { name: 'y', hp: 0 })
    expect(counted.calls.get('multi')).toBe(2)
  })

  it('a failed hot batch rejects its puts and leaves nothing half-written', async () => {
    const flaky = instrumented(hot)
    const state = track(layer(flaky, db))
    const players = state.define(playerSpec())
    flaky.failNext('multi')
    await expect(
      Promise.all([players.put('a', { name: 'A', hp: 1 }), players.put('b', { name: 'B', hp: 1 })]),
    ).rejects.toThrow(/simulated/)
    expect(await hot.get(stateKeys.value('test.player', 'a'))).toBeNull()
    await players.put('a', { name: 'A', hp: 2 })
    expect(await players.get('a')).toEqual({ name: 'A', hp: 2 })
  })

  it('reads its own queued writes before they reach the hot store', async () => {
    const state = track(layer(hot, db))
    const players = state.define(playerSpec())
    const ack = players.put('p1', { name: 'Ada', hp: 5 })
    expect(await players.get('p1')).toEqual({ name: 'Ada', hp: 5 })
    await ack
  })

  it('stop() flushes everything; the periodic flusher runs on its own', async () => {
    const state = track(layer(hot, db, { flushIntervalMs: 50 }))
    const players = state.define(playerSpec())
    await state.start()
    await players.put('p1', { name: 'Ada', hp: 1 })
    const deadline = Date.now() + 5000
    // The round ends after the commit and the mark clearing; wait for the whole round.
    while (state.lastFullFlushAt() === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    expect(await count(db, 'test_players')).toBe(1)
    expect(state.lastFullFlushAt()).not.toBeNull()
    await players.put('p2', { name: 'Bob', hp: 1 })
    await state.stop()
    expect(await count(db, 'test_players')).toBe(2)
    expect(await hot.hgetall(stateKeys.dirty('test.player'))).toEqual({})
  })

  it('refuses to flush inside a database transaction, where marks would clear before the commit', async () => {
    const state = track(layer(hot, db))
    const players = state.define(playerSpec())
    await players.put('p1', { name: 'Ada', hp: 1 })
    await expect(db.transaction(() => players.flush())).rejects.toThrow(/inside a database transaction/)
    await expect(db.transaction(() => players.evict('p1'))).rejects.toThrow(/inside a database transaction/)
    expect(await hot.hget(stateKeys.dirty('test.player'), 'p1')).not.toBeNull()
    expect(await hot.get(stateKeys.value('test.player', 'p1'))).not.toBeNull()
    await players.flush()
    expect(await count(db, 'test_players')).toBe(1)
  })

  it('refuses a kind defined twice or badly named, and values that are not JSON', async () => {
    const state = track(layer(hot, db))
    const players = state.define(playerSpec())
    expect(() => state.define(playerSpec())).toThrow(/defined twice/)
    expect(() => state.define({ ...playerSpec(), kind: 'Player' })).toThrow(/<module>.<kind>/)
    await expect(players.put('x', undefined as unknown as Player)).rejects.toThrow(TypeError)
  })
})
