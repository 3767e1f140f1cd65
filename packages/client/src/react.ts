import type { EventPayload, EventType, RequestPayload, RequestType, ResponsePayload } from '@tavern/protocol'
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import type { ConnectionState, TavernClient } from './client.ts'

export interface UseTavernOptions {
  /** Measure the round trip every this many ms while connected (0: never). Default 5000. */
  pingEveryMs?: number
}

/** What {@link useTavern} gives a component: live connection state and latency, and typed helpers. */
export interface TavernHandle {
  state: ConnectionState
  /** Why the last close or reconnect happened (close code and reason), if it did. */
  detail: { code?: number; reason?: string } | undefined
  latencyMs: number | null
  /** A typed request; rejects with a `TavernError` (and with `sys.disconnected` when there is no client). */
  request<T extends RequestType>(type: T, payload: RequestPayload<T>): Promise<ResponsePayload<T>>
  /** Drops the socket as a network failure would: the client reconnects and resumes its session. */
  reconnect(): void
}

type Snapshot = { state: ConnectionState; detail: TavernHandle['detail'] }
const idle: Snapshot = { state: 'idle', detail: undefined }

/**
 * Binds a component to a {@link TavernClient}: re-renders on connection changes and latency updates. The
 * client reconnects and resumes by itself; the component only shows it. Pass `null` before logging in.
 */
export function useTavern(client: TavernClient | null, options: UseTavernOptions = {}): TavernHandle {
  const snap = useRef<Snapshot>(idle)
  const subscribe = useCallback(
    (notify: () => void) => {
      if (!client) return () => undefined
      snap.current = { state: client.state, detail: undefined }
      return client.onState((state, detail) => {
        snap.current = { state, detail }
        notify()
      })
    },
    [client],
  )
  const current = useSyncExternalStore(
    subscribe,
    () => {
      if (!client) return idle
      // The state may have moved between render and subscription; the snapshot must follow it.
      if (snap.current.state !== client.state) snap.current = { state: client.state, detail: undefined }
      return snap.current
    },
    () => idle,
  )
  const [latencyMs, setLatency] = useState<number | null>(client?.latencyMs ?? null)
  const pingEveryMs = options.pingEveryMs ?? 5000
  useEffect(() => {
    if (!client || current.state !== 'open' || pingEveryMs <= 0) return
    let live = true
    const measure = () =>
      client.ping().then(
        (ms) => live && setLatency(ms),
        () => undefined,
      )
    void measure()
    const timer = setInterval(measure, pingEveryMs)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [client, current.state, pingEveryMs])

  const request = useCallback(
    <T extends RequestType>(type: T, payload: RequestPayload<T>): Promise<ResponsePayload<T>> => {
      if (!client) return Promise.reject(new Error('not connected'))
      return client.request(type, payload)
    },
    [client],
  )
  const reconnect = useCallback(() => client?.dropConnection(), [client])
  return { state: current.state, detail: current.detail, latencyMs, request, reconnect }
}

/**
 * Calls `handler` for every event of `type` while the component is mounted. The latest handler is always
 * used, so it may close over fresh state without re-subscribing.
 */
export function useTavernEvent<T extends EventType>(
  client: TavernClient | null,
  type: T,
  handler: (payload: EventPayload<T>, meta: { seq: number | undefined }) => void,
): void {
  const latest = useRef(handler)
  latest.current = handler
  useEffect(() => {
    if (!client) return
    return client.on(type, (payload, meta) => latest.current(payload, meta))
  }, [client, type])
}
