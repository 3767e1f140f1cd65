import { randomBytes } from 'node:crypto'
import type { HotStore } from '../hot/types.ts'

/**
 * A lease in the hot store: one key, set only if absent, with a TTL, holding a token unique to its holder.
 * Renewal and release compare the token first, so a holder that lost its lease (expired during a pause) can never
 * extend or delete somebody else's. Used for flush ownership here and for map/room ownership elsewhere.
 */
export interface Lease {
  readonly key: string
  readonly token: string
  readonly ttlMs: number
  /** False once a renewal failed or the lease was released. */
  readonly held: boolean
  /** Extends the TTL if this holder still owns the key; returns whether it does. */
  renew(): Promise<boolean>
  /** Deletes the key if this holder still owns it. Stops automatic renewal. */
  release(): Promise<void>
}

export interface LeaseOptions {
  /** Identifies the holder in the stored token (useful when reading the key by hand). */
  readonly owner: string
  readonly ttlMs: number
  /** Renew automatically every ttlMs/3 until released (default true). */
  readonly autoRenew?: boolean
  /** Called once if an automatic renewal finds the lease gone. */
  readonly onLost?: (key: string) => void
}

/** A token that differs between holders even within one process (two layers in one test share a process id). */
export function leaseToken(owner: string): string {
  return `${owner}:${randomBytes(6).toString('hex')}`
}

/** Takes the lease if nobody holds it; resolves to null otherwise. */
export async function tryAcquireLease(hot: HotStore, key: string, opts: LeaseOptions): Promise<Lease | null> {
  const token = leaseToken(opts.owner)
  const ok = await hot.set(key, token, { ttlMs: opts.ttlMs, ifAbsent: true })
  if (!ok) return null
  return heldLease(hot, key, token, opts)
}

/**
 * Waits for the lease, retrying every `retryMs` (default 25 ms, doubling up to 250 ms) for at most `waitMs`.
 * Resolves to null if it stayed taken.
 */
export async function acquireLease(
  hot: HotStore,
  key: string,
  opts: LeaseOptions & { waitMs: number; retryMs?: number },
): Promise<Lease | null> {
  const deadline = Date.now() + opts.waitMs
  let delay = opts.retryMs ?? 25
  for (;;) {
    const lease = await tryAcquireLease(hot, key, opts)
    if (lease) return lease
    if (Date.now() + delay > deadline) return null
    await sleep(delay)
    delay = Math.min(delay * 2, 250)
  }
}

/** Runs `fn` holding the lease; resolves `{ acquired: false }` without running it when the lease is taken. */
export async function withLease<T>(
  hot: HotStore,
  key: string,
  opts: LeaseOptions & { waitMs?: number },
  fn: (lease: Lease) => Promise<T>,
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  const lease = opts.waitMs
    ? await acquireLease(hot, key, { ...opts, waitMs: opts.waitMs })
    : await tryAcquireLease(hot, key, opts)
  if (!lease) return { acquired: false }
  try {
    return { acquired: true, value: await fn(lease) }
  } finally {
    await lease.release()
  }
}

function heldLease(hot: HotStore, key: string, token: string, opts: LeaseOptions): Lease {
  let held = true
  let timer: NodeJS.Timeout | undefined
  const lost = (): void => {
    if (!held) return
    held = false
    if (timer) clearInterval(timer)
    opts.onLost?.(key)
  }
  const lease: Lease = {
    key,
    token,
    ttlMs: opts.ttlMs,
    get held() {
      return held
    },
    async renew() {
      if (!held) return false
      const ok = await hot.compareAndExpire(key, token, opts.ttlMs)
      if (!ok) lost()
      return ok
    },
    async release() {
      if (timer) clearInterval(timer)
      if (!held) return
      held = false
      await hot.compareAndDelete(key, token)
    },
  }
  if (opts.autoRenew !== false) {
    timer = setInterval(
      () => {
        lease.renew().catch(() => {
          // A failed round trip is not proof of loss; the next renewal (or the TTL) decides.
        })
      },
      Math.max(1, Math.floor(opts.ttlMs / 3)),
    )
    timer.unref()
  }
  return lease
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
