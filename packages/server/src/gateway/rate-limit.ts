/** A token bucket: `burst` tokens, refilled one every `perMs`. Time comes from the caller. */
export class TokenBucket {
  private tokens: number
  private updatedAt: number
  constructor(
    private readonly perMs: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst
    this.updatedAt = now
  }

  /** Takes one token; returns 0 if allowed, otherwise the milliseconds until one is available. */
  take(now: number): number {
    this.refill(now)
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 0
    }
    return Math.ceil((1 - this.tokens) * this.perMs)
  }

  /** Tokens owed beyond the burst (how far past the limit the caller pushed); used for flood detection. */
  get deficit(): number {
    return Math.max(0, -this.tokens)
  }

  /** Takes a token even when none is left, going into debt (flood accounting). */
  force(now: number): number {
    this.refill(now)
    this.tokens -= 1
    return this.tokens
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + elapsed / this.perMs)
      this.updatedAt = now
    }
  }
}
