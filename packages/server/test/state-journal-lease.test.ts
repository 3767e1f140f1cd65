import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { HotStore } from '../src/hot/types.ts'
import { flushStateKind, stateKeys } from '../src/state/flusher.ts'
import type { StateLayerRuntime } from '../src/state/layer.ts'
import { acquireLease, tryAcquireLease, withLease } from '../src/state/lease.ts'
import type { Database } from '../src/storage/sql.ts'
import { openTestDatabase, openTestHotStore } from '../src/testing/stack.ts'
import {
  type ChatLine,
  chatJournal,
  count,
  instrumented,
  layer,
  playerSpec,
  silent,
  stacks,
  testSchema,
} from './state-fixtures.ts'

const line = (i: number): ChatLine => ({ id: `m${i}`, body: `hello ${i}`, at: 1_700_000_000_000 + i })

describe.each(stacks)('journals and flush leases on $db + $hot', (stack) => {
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
    for (const l of layers.splice(0)) await l.settled()
    await hot.close()
  })

  it('append is acknowledged once the row is in the hot list; flush moves it to the durable store', async () => {
    const counted = instrumented(hot)
    const state = track(layer(counted, db, { batchSize: 100 }))
    const chat = state.journal(chatJournal())
    const players = state.define(playerSpec())
    // Appends and puts of one turn share one round trip.
    await Promise.all([
      ...Array.from({ length: 250 }, (_, i) => chat.append(line(i))),
      players.put('p1', { name: 'A', hp: 1 }),
    ])
    expect(counted.calls.get('multi')).toBe(1)
    expect(await hot.llen(stateKeys.journal('test.chat'))).toBe(250)
    expect((await chat.pending()).map((r) => r.id).slice(0, 3)).toEqual(['m0', 'm1', 'm2'])
    await chat.flush()
    expect(await count(db, 'test_chat')).toBe(250)
    expect(await hot.llen(stateKeys.journal('test.chat'))).toBe(0)
    expect(await chat.pending()).toEqual([])
  })

  it('exactly once across a crash between commit and trim', async () => {
    const first = track(layer(hot, db, { batchSize: 40 }))
    const chat1 = first.journal(chatJournal())
    await Promise.all(Array.from({ length: 100 }, (_, i) => chat1.append(line(i))))
    // Another process flushes: its second batch commits, then it "dies" before trimming it.
    let trims = 0
    const crashAfterCommit = new Proxy(hot, {
      get(target, prop, receiver) {
        if (prop === 'ltrim')
          return async (key: string, start: number, stop: number) => {
            if (++trims === 2) throw new Error('killed between commit and trim')
            return target.ltrim(key, start, stop)
          }
        const v = Reflect.get(target, prop, receiver)
        return typeof v === 'function' ? v.bind(target) : v
      },
    })
    const doomed = track(layer(crashAfterCommit, db, { batchSize: 40 }))
    await expect(doomed.journal(chatJournal()).flush()).rejects.toThrow(/killed/)
    expect(await count(db, 'test_chat')).toBe(80)
    expect(await hot.llen(stateKeys.journal('test.chat'))).toBe(60) // rows 40..79 are durable and still listed

    const recovered = track(layer(hot, db, { batchSize: 40 }))
    recovered.journal(chatJournal())
    await recovered.start()
    expect(await count(db, 'test_chat')).toBe(100)
    const ids = await db.query<{ id: string }>('SELECT id FROM test_chat')
    expect(new Set(ids.map((r) => r.id)).size).toBe(100)
    expect(await hot.llen(stateKeys.journal('test.chat'))).toBe(0)
    await recovered.stop()
  })

  it('a failing journal save trims nothing', async () => {
    let broken = true
    const state = track(layer(hot, db))
    const chat = state.journal(
      chatJournal({
        beforeSave: () => {
          if (broken) throw new Error('down')
        },
      }),
    )
    await chat.append(line(1))
    await expect(chat.flush()).rejects.toThrow(/test.chat/)
    expect(await hot.llen(stateKeys.journal('test.chat'))).toBe(1)
    broken = false
    await chat.flush()
    expect(await count(db, 'test_chat')).toBe(1)
  })

  it('the lease keeps two flushers of one kind from running at once', async () => {
    let active = 0
    let maxActive = 0
    let saves = 0
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const slowSave = {
      beforeSave: async () => {
        saves++
        active++
        maxActive = Math.max(maxActive, active)
        if (saves === 1) await gate
        active--
      },
    }
    const a = track(layer(hot, db, { processId: 'a' }))
    const b = track(layer(hot, db, { processId: 'b' }))
    const pa = a.define(playerSpec(slowSave))
    const pb = b.define(playerSpec(slowSave))
    await pa.put('p1', { name: 'A', hp: 1 })
    const first = pa.flush()
    while (saves === 0) await new Promise((r) => setTimeout(r, 5))
    // While A holds the lease, a periodic-style flush of B skips the kind, and an explicit one waits.
    const skipped = await flushStateKind(
      {
        hot,
        sql: db,
        log: silent,
        processId: 'b',
        metrics: {},
        batchSize: 100,
        leaseTtlMs: 2000,
        leaseWaitMs: 0,
      },
      playerSpec(slowSave) as never,
      'try',
    )
    expect(skipped).toBeNull()
    await pb.put('p2', { name: 'B', hp: 1 })
    const second = pb.flush()
    await new Promise((r) => setTimeout(r, 100))
    expect(saves).toBe(1)
    release()
    await Promise.all([first, second])
    expect(maxActive).toBe(1)
    expect(await count(db, 'test_players')).toBe(2)
  })

  it('lease primitives: exclusive, renewable, released only by their holder, and waitable', async () => {
    const a = await tryAcquireLease(hot, 'lease:test', { owner: 'a', ttlMs: 300, autoRenew: false })
    expect(a).not.toBeNull()
    expect(await tryAcquireLease(hot, 'lease:test', { owner: 'b', ttlMs: 300 })).toBeNull()
    expect(await a?.renew()).toBe(true)
    expect(await hot.pttl('lease:test')).toBeGreaterThan(200)
    // Expired and taken by B: A can neither renew nor release B's lease.
    await hot.del('lease:test')
    const b = await tryAcquireLease(hot, 'lease:test', { owner: 'b', ttlMs: 1000, autoRenew: false })
    expect(await a?.renew()).toBe(false)
    expect(a?.held).toBe(false)
    await a?.release()
    expect(await hot.get('lease:test')).toBe(b?.token)
    // C waits for B to let go.
    setTimeout(() => void b?.release(), 100)
    const c = await acquireLease(hot, 'lease:test', { owner: 'c', ttlMs: 1000, waitMs: 2000 })
    expect(c?.token.startsWith('c:')).toBe(true)
    expect(await acquireLease(hot, 'lease:test', { owner: 'd', ttlMs: 1000, waitMs: 100 })).toBeNull()
    await c?.release()
    const r = await withLease(hot, 'lease:test', { owner: 'e', ttlMs: 1000 }, async () => 42)
    expect(r).toEqual({ acquired: true, value: 42 })
    expect(await hot.get('lease:test')).toBeNull()
  })

  it('an automatically renewed lease outlives its TTL while held', async () => {
    const lost: string[] = []
    const lease = await tryAcquireLease(hot, 'lease:auto', {
      owner: 'a',
      ttlMs: 150,
      onLost: (k) => lost.push(k),
    })
    await new Promise((r) => setTimeout(r, 400))
    expect(await hot.get('lease:auto')).toBe(lease?.token)
    await hot.del('lease:auto')
    await new Promise((r) => setTimeout(r, 120))
    expect(lost).toEqual(['lease:auto'])
    expect(lease?.held).toBe(false)
  })
})
