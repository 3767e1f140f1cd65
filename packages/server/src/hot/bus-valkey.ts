import { Redis, type RedisOptions } from 'iovalkey'
import { type BusOptions, decodeBusMessage, encodeBusMessage } from './bus-memory.ts'
import type { Bus } from './types.ts'

export interface ValkeyBusOptions extends BusOptions {
  url: string
  /** Name of the subscriber connection in `CLIENT LIST` (operators and tests find it by name). */
  connectionName?: string
  /** Connection errors; publish and subscribe also reject on their own, so the default ignores them. */
  onConnectionError?: (err: Error) => void
  /** Extra iovalkey options for both connections. */
  redis?: RedisOptions
}

type Handler = (message: unknown) => void

/**
 * Valkey pub/sub with msgpack payloads. A connection in subscriber mode can run nothing else, so publishing goes
 * over a second one. iovalkey resubscribes every channel after a reconnect (`autoResubscribe`); messages
 * published while disconnected are lost, which the at-most-once contract allows.
 */
export class ValkeyBus implements Bus {
  readonly #pub: Redis
  readonly #sub: Redis
  readonly #prefix: string
  readonly #onError: (err: unknown, channel: string) => void
  readonly #handlers = new Map<string, Set<Handler>>()
  /** SUBSCRIBE commands in flight, so a second subscriber to the same channel waits for the first. */
  readonly #subscribing = new Map<string, Promise<unknown>>()

  constructor(opts: ValkeyBusOptions) {
    const onConnectionError = opts.onConnectionError ?? (() => {})
    this.#pub = new Redis(opts.url, { ...opts.redis })
    this.#sub = new Redis(opts.url, {
      ...opts.redis,
      autoResubscribe: true,
      connectionName: opts.connectionName,
    })
    this.#pub.on('error', onConnectionError)
    this.#sub.on('error', onConnectionError)
    this.#prefix = opts.prefix ?? ''
    this.#onError =
      opts.onError ?? ((err, channel) => console.error(`bus handler for ${channel} failed`, err))
    this.#sub.on('messageBuffer', (channel: Buffer, payload: Buffer) =>
      this.#deliver(channel.toString(), payload),
    )
  }

  #deliver(full: string, payload: Buffer): void {
    const handlers = this.#handlers.get(full)
    if (!handlers) return
    const channel = full.slice(this.#prefix.length)
    for (const handler of [...handlers]) {
      try {
        // Decoded per handler so no two subscribers share (and mutate) one object.
        handler(decodeBusMessage(payload))
      } catch (err) {
        this.#onError(err, channel)
      }
    }
  }

  /** Resolves once both connections answer. */
  async ready(): Promise<void> {
    await Promise.all([this.#pub.ping(), this.#sub.ping()])
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.#pub.publish(this.#prefix + channel, encodeBusMessage(message))
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>> {
    const full = this.#prefix + channel
    let handlers = this.#handlers.get(full)
    if (!handlers) {
      handlers = new Set()
      this.#handlers.set(full, handlers)
      const p = this.#sub.subscribe(full)
      this.#subscribing.set(full, p)
      try {
        await p
      } catch (err) {
        this.#handlers.delete(full)
        throw err
      } finally {
        if (this.#subscribing.get(full) === p) this.#subscribing.delete(full)
      }
    } else {
      await this.#subscribing.get(full)
    }
    // A wrapper per call, so subscribing the same function twice gives two independent subscriptions.
    const own: Handler = (m) => handler(m)
    handlers.add(own)
    return async () => {
      const set = this.#handlers.get(full)
      if (!set?.delete(own) || set.size > 0) return
      this.#handlers.delete(full)
      await this.#sub.unsubscribe(full)
    }
  }

  async close(): Promise<void> {
    this.#handlers.clear()
    await Promise.all(
      [this.#sub, this.#pub].map(async (c) => {
        try {
          await c.quit()
        } catch {
          c.disconnect()
        }
      }),
    )
  }
}
