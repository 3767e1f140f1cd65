import { TavernClient } from '@tavern/client'
import type { EventPayload, EventType } from '@tavern/protocol'
import WebSocket from 'ws'

let counter = 0

/** A unique username per test run, so tests never collide on a shared database. */
export function uniqueName(prefix = 'u'): string {
  counter++
  return `${prefix}${process.pid % 10000}x${Date.now() % 100000}x${counter}`.slice(0, 32)
}

/** An SDK client for Node, registered and connected. */
export async function connectedClient(
  url: string,
  name = uniqueName(),
  opts: { format?: 'json' | 'msgpack' } = {},
) {
  const client = new TavernClient({
    url,
    WebSocket: WebSocket as never,
    format: opts.format,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  })
  await client.register(name, 'correct horse battery')
  const welcome = await client.connect()
  return { client, welcome, name }
}

/** Collects every event of a type a client receives, in order. */
export function collect<T extends EventType>(client: TavernClient, type: T): Array<EventPayload<T>> {
  const out: Array<EventPayload<T>> = []
  client.on(type, (p) => out.push(p))
  return out
}

/** Waits until `predicate` holds (polling), or fails after `timeoutMs`. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const start = Date.now()
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
