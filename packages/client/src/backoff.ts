export interface BackoffOptions {
  initialDelayMs: number
  maxDelayMs: number
  /** 0..1: how much of each delay is random, so a restarted server is not hit by every client at once. */
  jitter: number
}

/** Exponential backoff with jitter: attempt 0 waits about `initialDelayMs`, doubling up to `maxDelayMs`. */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(o.maxDelayMs, o.initialDelayMs * 2 ** attempt)
  return Math.round(base * (1 - o.jitter) + base * o.jitter * random())
}
