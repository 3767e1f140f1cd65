/** Durations of recent simulation and send ticks, for percentiles (the bench and `/api/world/status` read them). */
export class TickStats {
  private readonly samples: Float64Array
  private n = 0
  ticks = 0
  maxMs = 0
  lastMs = 0

  constructor(size = 2048) {
    this.samples = new Float64Array(size)
  }

  record(ms: number): void {
    this.samples[this.n % this.samples.length] = ms
    this.n++
    this.ticks++
    this.lastMs = ms
    if (ms > this.maxMs) this.maxMs = ms
  }

  /** Percentiles over the recent window, then starts a fresh window. */
  snapshot(reset = false): { ticks: number; p50: number; p99: number; max: number; samples: number } {
    const count = Math.min(this.n, this.samples.length)
    const sorted = Array.from(this.samples.subarray(0, count)).sort((a, b) => a - b)
    const pick = (q: number) =>
      count === 0 ? 0 : (sorted[Math.min(count - 1, Math.floor(q * count))] as number)
    const out = { ticks: this.ticks, p50: pick(0.5), p99: pick(0.99), max: this.maxMs, samples: count }
    if (reset) {
      this.n = 0
      this.maxMs = 0
    }
    return out
  }
}
