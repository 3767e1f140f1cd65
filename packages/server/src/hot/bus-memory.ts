import { Packr } from 'msgpackr'
import type { Bus } from './types.ts'

// Plain msgpack (no record extension) so any process, or another language, can decode bus payloads.
const packr = new Packr({ useRecords: false })

/** Encodes a bus message; both buses use it, so a message crosses either one with the same result. */
export function encodeBusMessage(message: unknown): Buffer {
  return packr.pack(message)
}

/** Decodes a bus message encoded by `encodeBusMessage`. */
export function decodeBusMessage(payload: Uint8Array): unknown {
  return packr.unpack(payload)
}

export interface BusOptions {
  /** Prepended to every channel, so several deployments or tests can share one broker. */
  prefix?: string
  /** Receives errors thrown by handlers; they never reach the publisher. Defaults to `console.error`. */
  onError?: (err: unknown, channel: string) => void
}

type Listener = (payload: Uint8Array) => void

interface Subscription {
  channel: string
  listener: Listener
  active: boolean
}

/** The in-process message broker several memory buses (several kernels in one test) can share. */
export interface MemoryBroker {
  readonly channels: Map<string, Set<Listener>>
}

/** Creates a broker; pass the same one to every `MemoryBus` that should see the others' messages. */
export function createMemoryBroker(): MemoryBroker {
  return { channels: new Map() }
}

/** Bus for embedded mode and tests: delivery goes through the same msgpack codec as the Valkey bus. */
export class MemoryBus implements Bus {
  readonly #broker: MemoryBroker
  readonly #prefix: string
  readonly #onError: (err: unknown, channel: string) => void
  readonly #mine = new Set<Subscription>()
  #closed = false

  constructor(broker: MemoryBroker = createMemoryBroker(), opts: BusOptions = {}) {
    this.#broker = broker
    this.#prefix = opts.prefix ?? ''
    this.#onError =
      opts.onError ?? ((err, channel) => console.error(`bus handler for ${channel} failed`, err))
  }

  async publish(channel: string, message: unknown): Promise<void> {
    if (this.#closed) throw new Error('The bus is closed')
    const payload = encodeBusMessage(message)
    const listeners = this.#broker.channels.get(this.#prefix + channel)
    if (!listeners) return
    for (const listener of listeners) listener(payload)
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>> {
    if (this.#closed) throw new Error('The bus is closed')
    const full = this.#prefix + channel
    const sub: Subscription = { channel: full, listener: () => {}, active: true }
    sub.listener = (payload) => {
      // Deliver later, like a network would: handlers never run inside publish.
      setImmediate(() => {
        if (!sub.active) return
        try {
          handler(decodeBusMessage(payload))
        } catch (err) {
          this.#onError(err, channel)
        }
      })
    }
    let set = this.#broker.channels.get(full)
    if (!set) {
      set = new Set()
      this.#broker.channels.set(full, set)
    }
    set.add(sub.listener)
    this.#mine.add(sub)
    return async () => this.#remove(sub)
  }

  #remove(sub: Subscription): void {
    sub.active = false
    this.#mine.delete(sub)
    const set = this.#broker.channels.get(sub.channel)
    if (!set) return
    set.delete(sub.listener)
    if (set.size === 0) this.#broker.channels.delete(sub.channel)
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const sub of [...this.#mine]) this.#remove(sub)
  }
}
