import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MemoryKeyspace } from '../src/hot/memory.ts'
import type { HotStore } from '../src/hot/types.ts'
import { openTestHotStore, type TestHotKind, uniqueTestName } from '../src/testing/stack.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each<TestHotKind>(['memory', 'valkey'])('HotStore contract (%s)', (kind) => {
  let store: HotStore
  const extra: HotStore[] = []

  beforeEach(async () => {
    store = await openTestHotStore(kind)
  })
  afterEach(async () => {
    await Promise.all([store, ...extra.splice(0)].map((s) => s.close()))
  })

  it('gets, sets and deletes strings', async () => {
    expect(await store.get('a')).toBeNull()
    expect(await store.set('a', 'héllo "quoted" \\ ✓')).toBe(true)
    expect(await store.get('a')).toBe('héllo "quoted" \\ ✓')
    expect(await store.set('a', 'other', { ifAbsent: true })).toBe(false)
    expect(await store.set('b', 'new', { ifAbsent: true })).toBe(true)
    expect(await store.get('a')).toBe('héllo "quoted" \\ ✓')
    expect(await store.del('a', 'b', 'missing')).toBe(2)
    expect(await store.del()).toBe(0)
    expect(await store.get('a')).toBeNull()
  })

  it('increments counters, giving only a new key the ttl', async () => {
    expect(await store.incr('n')).toBe(1)
    expect(await store.incr('n', 5)).toBe(6)
    expect(await store.incr('n', -10)).toBe(-4)
    expect(await store.pttl('n')).toBe(-1)
    expect(await store.incr('w', 1, 10_000)).toBe(1)
    const ttl = await store.pttl('w')
    expect(ttl).toBeGreaterThan(9_000)
    expect(ttl).toBeLessThanOrEqual(10_000)
    await store.incr('n', 1, 10_000)
    expect(await store.pttl('n')).toBe(-1)
    await store.set('s', 'x')
    await expect(store.incr('s')).rejects.toThrow()
  })

  it('reports time to live and expires keys', async () => {
    expect(await store.pttl('none')).toBe(-2)
    await store.set('forever', '1')
    expect(await store.pttl('forever')).toBe(-1)
    expect(await store.expire('none', 1000)).toBe(false)
    await store.set('t1', 'v', { ttlMs: 60 })
    await store.set('t2', 'v')
    expect(await store.expire('t2', 60)).toBe(true)
    await store.hset('t3', { f: 'v' })
    await store.expire('t3', 60)
    await store.incr('t4', 1, 60)
    const ttl = await store.pttl('t1')
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(60)
    await sleep(120)
    expect(await store.get('t1')).toBeNull()
    expect(await store.get('t2')).toBeNull()
    expect(await store.hgetall('t3')).toEqual({})
    expect(await store.get('t4')).toBeNull()
    expect(await store.pttl('t1')).toBe(-2)
    expect(await store.get('forever')).toBe('1')
    expect(await store.set('t1', 'again', { ifAbsent: true })).toBe(true)
  })

  it('handles hashes', async () => {
    await store.hset('h', { a: '1', b: 'two' })
    await store.hset('h', {})
    expect(await store.hget('h', 'a')).toBe('1')
    expect(await store.hget('h', 'zz')).toBeNull()
    expect(await store.hmget('h', ['b', 'zz', 'a'])).toEqual(['two', null, '1'])
    expect(await store.hmget('h', [])).toEqual([])
    expect(await store.hgetall('h')).toEqual({ a: '1', b: 'two' })
    expect(await store.hgetall('missing')).toEqual({})
    expect(await store.hincrby('h', 'a', 41)).toBe(42)
    expect(await store.hincrby('h', 'c', -3)).toBe(-3)
    await expect(store.hincrby('h', 'b', 1)).rejects.toThrow()
    expect(await store.hdel('h', 'a', 'c', 'zz')).toBe(2)
    expect(await store.hdel('h', 'b')).toBe(1)
    expect(await store.pttl('h')).toBe(-2)
  })

  it('handles sets', async () => {
    expect(await store.sadd('s', 'a', 'b', 'a')).toBe(2)
    expect(await store.sadd('s', 'b', 'c')).toBe(1)
    expect(await store.sadd('s')).toBe(0)
    expect((await store.smembers('s')).sort()).toEqual(['a', 'b', 'c'])
    expect(await store.sismember('s', 'b')).toBe(true)
    expect(await store.sismember('s', 'z')).toBe(false)
    expect(await store.scard('s')).toBe(3)
    expect(await store.srem('s', 'a', 'z')).toBe(1)
    expect(await store.smembers('missing')).toEqual([])
    expect(await store.scard('missing')).toBe(0)
    await store.srem('s', 'b', 'c')
    expect(await store.pttl('s')).toBe(-2)
  })

  it('handles sorted sets', async () => {
    expect(
      await store.zadd('z', [
        [3, 'c'],
        [1, 'a'],
        [2, 'b2'],
        [2, 'b1'],
      ]),
    ).toBe(4)
    expect(await store.zadd('z', [[1.5, 'c']])).toBe(0)
    expect(await store.zscore('z', 'c')).toBe(1.5)
    expect(await store.zscore('z', 'none')).toBeNull()
    expect(await store.zcard('z')).toBe(4)
    expect(await store.zrangeByScore('z', 1, 2)).toEqual([
      ['a', 1],
      ['c', 1.5],
      ['b1', 2],
      ['b2', 2],
    ])
    expect(await store.zrangeByScore('z', -Infinity, Infinity, 2)).toEqual([
      ['a', 1],
      ['c', 1.5],
    ])
    expect(await store.zrangeByScore('z', 5, 10)).toEqual([])
    expect(await store.zrangeByScore('missing', 0, 1)).toEqual([])
    await store.zadd('z', [[Date.now(), 'big']])
    expect(await store.zscore('z', 'big')).toBeGreaterThan(1e12)
    expect(await store.zrem('z', 'a', 'none')).toBe(1)
    expect(await store.zcard('z')).toBe(4)
  })

  it('handles lists', async () => {
    expect(await store.rpush('l', 'a', 'b')).toBe(2)
    expect(await store.rpush('l', 'c', 'd', 'e')).toBe(5)
    expect(await store.lrange('l', 0, -1)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(await store.lrange('l', -2, -1)).toEqual(['d', 'e'])
    expect(await store.lrange('l', 1, 2)).toEqual(['b', 'c'])
    expect(await store.lrange('l', 10, 20)).toEqual([])
    expect(await store.llen('l')).toBe(5)
    await store.ltrim('l', -3, -1)
    expect(await store.lrange('l', 0, -1)).toEqual(['c', 'd', 'e'])
    await store.ltrim('l', 5, 10)
    expect(await store.llen('l')).toBe(0)
    expect(await store.pttl('l')).toBe(-2)
    expect(await store.lrange('missing', 0, -1)).toEqual([])
  })

  it('rejects a command against a key of another type', async () => {
    await store.hset('h', { f: 'v' })
    await expect(store.get('h')).rejects.toThrow(/WRONGTYPE/)
    await expect(store.sadd('h', 'x')).rejects.toThrow(/WRONGTYPE/)
    await expect(store.rpush('h', 'x')).rejects.toThrow(/WRONGTYPE/)
  })

  it('applies a multi as one batch', async () => {
    await store.set('gone', 'x')
    await store.rpush('log', '1', '2', '3')
    await store.multi([
      { op: 'set', key: 'k', value: 'v', ttlMs: 10_000 },
      { op: 'del', key: 'gone' },
      { op: 'hset', key: 'h', fields: { a: '1', b: '2' } },
      { op: 'hdel', key: 'h', fields: ['b'] },
      { op: 'hincrby', key: 'h', field: 'n', by: 7 },
      { op: 'sadd', key: 's', members: ['x', 'y'] },
      { op: 'srem', key: 's', members: ['x'] },
      { op: 'zadd', key: 'z', entries: [[1, 'a']] },
      { op: 'zrem', key: 'z', members: ['none'] },
      { op: 'rpush', key: 'log', values: ['4'] },
      { op: 'ltrim', key: 'log', start: -2, stop: -1 },
      { op: 'expire', key: 'h', ttlMs: 10_000 },
      { op: 'hset', key: 'h2', fields: {} },
      { op: 'sadd', key: 's2', members: [] },
    ])
    expect(await store.get('k')).toBe('v')
    expect(await store.pttl('k')).toBeGreaterThan(9_000)
    expect(await store.get('gone')).toBeNull()
    expect(await store.hgetall('h')).toEqual({ a: '1', n: '7' })
    expect(await store.pttl('h')).toBeGreaterThan(9_000)
    expect(await store.smembers('s')).toEqual(['y'])
    expect(await store.zscore('z', 'a')).toBe(1)
    expect(await store.lrange('log', 0, -1)).toEqual(['3', '4'])
    await store.multi([])
  })

  it('makes a multi visible all at once to concurrent readers', async () => {
    const ops = Array.from({ length: 200 }, (_, i) => ({
      op: 'sadd' as const,
      key: 'all',
      members: [`m${i}`],
    }))
    const reads: number[] = []
    await Promise.all([
      store.multi(ops),
      ...Array.from({ length: 20 }, async () => reads.push(await store.scard('all'))),
    ])
    for (const n of reads) expect([0, 200]).toContain(n)
    expect(await store.scard('all')).toBe(200)
  })

  it('rejects a multi with an invalid op without applying any of it', async () => {
    await store.set('before', 'old')
    const invalid = [
      { op: 'hincrby' as const, key: 'h', field: 'f', by: 1.5 },
      { op: 'zadd' as const, key: 'z', entries: [[Number.NaN, 'm']] as Array<[number, string]> },
      { op: 'set' as const, key: 'k', value: 'v', ttlMs: 0 },
      { op: 'del' as const, key: '' },
    ]
    for (const bad of invalid) {
      await expect(
        store.multi([
          { op: 'set', key: 'before', value: 'new' },
          bad,
          { op: 'sadd', key: 'after', members: ['a'] },
        ]),
      ).rejects.toThrow()
    }
    expect(await store.get('before')).toBe('old')
    expect(await store.scard('after')).toBe(0)
    await expect(store.incr('n', 0.5)).rejects.toThrow()
    await expect(store.hincrby('h', 'f', 0.5)).rejects.toThrow()
  })

  it('rejects a multi with a failing op', async () => {
    await store.set('str', 'x')
    await store.set('before', 'old')
    await expect(
      store.multi([
        { op: 'set', key: 'before', value: 'new' },
        { op: 'hincrby', key: 'str', field: 'f', by: 1 },
        { op: 'sadd', key: 'after', members: ['a'] },
      ]),
    ).rejects.toThrow(/WRONGTYPE/)
    // MULTI/EXEC has no rollback: Valkey runs the other ops of the batch. Memory applies none.
    if (kind === 'memory') {
      expect(await store.get('before')).toBe('old')
      expect(await store.scard('after')).toBe(0)
    }
  })

  it('lets exactly one contender take a lease and release it', async () => {
    const owners = Array.from({ length: 20 }, (_, i) => `owner-${i}`)
    const won = await Promise.all(owners.map((o) => store.set('lease', o, { ttlMs: 10_000, ifAbsent: true })))
    expect(won.filter(Boolean)).toHaveLength(1)
    const owner = owners[won.indexOf(true)]!
    expect(await store.compareAndExpire('lease', 'someone-else', 50)).toBe(false)
    expect(await store.compareAndExpire('missing', owner, 50)).toBe(false)
    expect(await store.compareAndExpire('lease', owner, 60_000)).toBe(true)
    expect(await store.pttl('lease')).toBeGreaterThan(50_000)
    const released = await Promise.all([
      ...owners.map((o) => store.compareAndDelete('lease', o)),
      ...owners.map(() => store.compareAndDelete('lease', owner)),
    ])
    expect(released.filter(Boolean)).toHaveLength(1)
    expect(await store.get('lease')).toBeNull()
  })

  it('clears a hash field only while it holds the expected value', async () => {
    await store.hset('dirty', { p1: 'v1', p2: 'v1' })
    expect(await store.hdelIfEquals('dirty', 'p1', 'v0')).toBe(false)
    expect(await store.hdelIfEquals('dirty', 'none', 'v1')).toBe(false)
    expect(await store.hdelIfEquals('missing', 'p1', 'v1')).toBe(false)
    // A writer marks p1 again while the flusher tries to clear the mark it saw.
    const [cleared] = await Promise.all([
      store.hdelIfEquals('dirty', 'p1', 'v1'),
      store.hset('dirty', { p1: 'v2' }),
    ])
    const left = await store.hget('dirty', 'p1')
    expect(cleared ? left === 'v2' || left === null : left === 'v2').toBe(true)
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.hdelIfEquals('dirty', 'p2', 'v1')),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await store.hget('dirty', 'p2')).toBeNull()
  })

  it('isolates prefixes and shares a prefix', async () => {
    const keyspace = new MemoryKeyspace()
    const prefixA = `${uniqueTestName('iso')}:`
    const a1 = await openTestHotStore(kind, { prefix: prefixA, keyspace })
    const a2 = await openTestHotStore(kind, { prefix: prefixA, keyspace })
    const b = await openTestHotStore(kind, { keyspace })
    extra.push(a1, a2, b)
    await a1.set('k', 'from-a')
    await a1.hset('h', { f: 'a' })
    await a1.set('lease', 'a')
    expect(await a2.get('k')).toBe('from-a')
    expect(await b.get('k')).toBeNull()
    expect(await b.hget('h', 'f')).toBeNull()
    // Scripts must see prefixed keys too.
    expect(await b.compareAndDelete('lease', 'a')).toBe(false)
    expect(await a2.compareAndExpire('lease', 'a', 10_000)).toBe(true)
    expect(await a2.hdelIfEquals('h', 'f', 'a')).toBe(true)
    expect(await a2.incr('n', 1, 10_000)).toBe(1)
    expect(await a1.get('n')).toBe('1')
    await b.multi([{ op: 'set', key: 'k', value: 'from-b' }])
    expect(await a1.get('k')).toBe('from-a')
    expect(await b.get('k')).toBe('from-b')
    expect(await a1.compareAndDelete('lease', 'a')).toBe(true)
  })

  it('reports command latency', async () => {
    const seen: boolean[] = []
    const s = await openTestHotStore(kind, { onCommand: (ms, ok) => seen.push(ms >= 0 && ok) })
    extra.push(s)
    await s.set('a', '1')
    await s.get('a')
    await s.hset('h', { f: 'v' })
    await s.get('h').catch(() => {})
    expect(seen.slice(-4)).toEqual([true, true, true, false])
  })

  it('pings', async () => {
    await expect(store.ping()).resolves.toBeUndefined()
  })
})
