import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

/** The q-quantile (0..1) of a sample, in the sample's unit. */
export function quantile(sorted: Float64Array | number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]!
}

/** Latency summary in milliseconds, rounded to 0.01 ms. */
export function summarize(samples: number[]): { p50: number; p99: number; max: number; n: number } {
  const s = Float64Array.from(samples).sort()
  const r = (x: number) => Math.round(x * 100) / 100
  return {
    p50: r(quantile(s, 0.5)),
    p99: r(quantile(s, 0.99)),
    max: r(s[s.length - 1] ?? Number.NaN),
    n: s.length,
  }
}

/** Prints the result as one JSON line, and appends it to the results file on full runs. */
export function report(result: Record<string, unknown>, resultsFile: string | null): void {
  const line = JSON.stringify(result)
  process.stdout.write(`${line}\n`)
  if (resultsFile) {
    mkdirSync(dirname(resultsFile), { recursive: true })
    appendFileSync(resultsFile, `${line}\n`)
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
