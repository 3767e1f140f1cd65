import { createMemoryBroker, type MemoryBroker, MemoryBus } from './bus-memory.ts'
import { MemoryHotStore } from './memory.ts'
import type { Bus, HotStore } from './types.ts'

export interface OpenHotStoreOptions {
  /** A Valkey/Redis URL; without it the hot store lives in process memory. */
  url?: string
  /** Prepended to every key, so several deployments can share one Valkey. */
  prefix?: string
  /** Called after every command with its duration, for metrics. */
  onCommand?: (ms: number, ok: boolean) => void
}

/** Opens the hot store: Valkey when `url` is set (checked with a PING), otherwise process memory. */
export async function openHotStore(opts: OpenHotStoreOptions = {}): Promise<HotStore> {
  if (!opts.url) return new MemoryHotStore({ prefix: opts.prefix, onCommand: opts.onCommand })
  // Loaded on demand so an embedded install never loads the Valkey client.
  const { ValkeyHotStore } = await import('./valkey.ts')
  const store = new ValkeyHotStore({ url: opts.url, prefix: opts.prefix, onCommand: opts.onCommand })
  try {
    await store.ping()
  } catch (err) {
    await store.close()
    throw err
  }
  return store
}

export interface OpenBusOptions {
  /** A Valkey/Redis URL; without it messages stay in this process. */
  url?: string
  /** Prepended to every channel. */
  prefix?: string
  /** Memory only: a broker shared by several in-process kernels (tests). */
  broker?: MemoryBroker
  /** Receives errors thrown by handlers. */
  onError?: (err: unknown, channel: string) => void
}

/** Opens the bus: Valkey pub/sub when `url` is set, otherwise an in-process broker. */
export async function openBus(opts: OpenBusOptions = {}): Promise<Bus> {
  if (!opts.url)
    return new MemoryBus(opts.broker ?? createMemoryBroker(), { prefix: opts.prefix, onError: opts.onError })
  const { ValkeyBus } = await import('./bus-valkey.ts')
  const bus = new ValkeyBus({ url: opts.url, prefix: opts.prefix, onError: opts.onError })
  try {
    await bus.ready()
  } catch (err) {
    await bus.close()
    throw err
  }
  return bus
}
