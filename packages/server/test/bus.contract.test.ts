import { Redis } from 'iovalkey'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryBroker } from '../src/hot/bus-memory.ts'
import { ValkeyBus } from '../src/hot/bus-valkey.ts'
import type { Bus } from '../src/hot/types.ts'
import { openTestBus, type TestHotKind, testValkeyUrl, uniqueTestName } from '../src/testing/stack.ts'

describe.each<TestHotKind>(['memory', 'valkey'])('Bus contract (%s)', (kind) => {
  const opened: Bus[] = []
  const broker = createMemoryBroker()
  /** Buses opened with the same prefix talk to each other, like kernels sharing one Valkey. */
  const open = async (prefix?: string) => {
    const bus = await openTestBus(kind, { prefix, broker })
    opened.push(bus)
    return bus
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.close()))
  })

  it('delivers messages in order, decoded, never inside publish', async () => {
    const bus = await open()
    const got: unknown[] = []
    await bus.subscribe('c', (m) => got.push(m))
    const message = {
      s: 'héllo "✓" \\',
      n: 42,
      f: 1.5,
      b: true,
      nil: null,
      list: [1, 'two'],
      nested: { x: [] },
    }
    const p = bus.publish('c', message)
    expect(got).toEqual([])
    await p
    for (let i = 0; i < 20; i++) await bus.publish('c', i)
    await vi.waitFor(() => expect(got).toHaveLength(21))
    expect(got[0]).toEqual(message)
    expect(got.slice(1)).toEqual(Array.from({ length: 20 }, (_, i) => i))
  })

  it('delivers across buses sharing a prefix, to every subscriber', async () => {
    const prefix = `${uniqueTestName('bus')}:`
    const [a, b] = [await open(prefix), await open(prefix)]
    const gotA: unknown[] = []
    const gotB1: unknown[] = []
    const gotB2: unknown[] = []
    await a.subscribe('room', (m) => gotA.push(m))
    await b.subscribe('room', (m) => gotB1.push(m))
    await b.subscribe('room', (m) => gotB2.push(m))
    await a.publish('room', { from: 'a' })
    await b.publish('room', { from: 'b' })
    await vi.waitFor(() => {
      for (const got of [gotA, gotB1, gotB2]) expect(got).toEqual([{ from: 'a' }, { from: 'b' }])
    })
  })

  it('stops delivering after unsubscribe', async () => {
    const bus = await open()
    const kept: unknown[] = []
    const dropped: unknown[] = []
    await bus.subscribe('c', (m) => kept.push(m))
    const unsubscribe = await bus.subscribe('c', (m) => dropped.push(m))
    await bus.publish('c', 1)
    await vi.waitFor(() => expect(dropped).toEqual([1]))
    await unsubscribe()
    await unsubscribe()
    await bus.publish('c', 2)
    await vi.waitFor(() => expect(kept).toEqual([1, 2]))
    expect(dropped).toEqual([1])
  })

  it('stops delivering to a channel nobody listens to any more', async () => {
    const bus = await open()
    const got: unknown[] = []
    const probe: unknown[] = []
    const unsubscribe = await bus.subscribe('c', (m) => got.push(m))
    await bus.subscribe('probe', (m) => probe.push(m))
    await unsubscribe()
    await bus.publish('c', 'lost')
    await bus.publish('probe', 'seen')
    await vi.waitFor(() => expect(probe).toEqual(['seen']))
    expect(got).toEqual([])
    // And it can be subscribed to again.
    await bus.subscribe('c', (m) => got.push(m))
    await bus.publish('c', 'again')
    await vi.waitFor(() => expect(got).toEqual(['again']))
  })

  it('isolates prefixes', async () => {
    const [a, b] = [await open(), await open()]
    const gotA: unknown[] = []
    const gotB: unknown[] = []
    await a.subscribe('c', (m) => gotA.push(m))
    await b.subscribe('c', (m) => gotB.push(m))
    await a.publish('c', 'for-a')
    await b.publish('c', 'for-b')
    await vi.waitFor(() => expect(gotB).toEqual(['for-b']))
    await vi.waitFor(() => expect(gotA).toEqual(['for-a']))
  })

  it('keeps delivering when a handler throws', async () => {
    const errors: unknown[] = []
    const prefix = `${uniqueTestName('bus')}:`
    const bus =
      kind === 'memory'
        ? new (await import('../src/hot/bus-memory.ts')).MemoryBus(broker, {
            prefix,
            onError: (e) => errors.push(e),
          })
        : new ValkeyBus({ url: testValkeyUrl(), prefix, onError: (e) => errors.push(e) })
    opened.push(bus)
    const got: unknown[] = []
    await bus.subscribe('c', () => {
      throw new Error('handler bug')
    })
    await bus.subscribe('c', (m) => got.push(m))
    await bus.publish('c', 1)
    await bus.publish('c', 2)
    await vi.waitFor(() => expect(got).toEqual([1, 2]))
    expect(errors).toHaveLength(2)
  })

  it('refuses to publish after close', async () => {
    const bus = await open()
    await bus.close()
    await expect(bus.publish('c', 1)).rejects.toThrow()
  })
})

describe('ValkeyBus', () => {
  it('resubscribes after its connection drops', async () => {
    const name = uniqueTestName('tavern_bus')
    const bus = new ValkeyBus({ url: testValkeyUrl(), prefix: `${name}:`, connectionName: name })
    const admin = new Redis(testValkeyUrl())
    try {
      const got: unknown[] = []
      await bus.subscribe('c', (m) => got.push(m))
      await bus.publish('c', 'before')
      await vi.waitFor(() => expect(got).toEqual(['before']))
      const list = (await admin.client('LIST')) as string
      const line = list.split('\n').find((l) => l.includes(`name=${name} `))
      const id = line?.match(/\bid=(\d+)/)?.[1]
      expect(id).toBeDefined()
      await admin.client('KILL', 'ID', id!)
      // Messages published while it reconnects are lost (at most once); keep publishing until one arrives.
      await vi.waitFor(
        async () => {
          await bus.publish('c', 'after')
          expect(got).toContain('after')
        },
        { timeout: 5000, interval: 50 },
      )
    } finally {
      admin.disconnect()
      await bus.close()
    }
  })
})
