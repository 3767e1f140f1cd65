import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
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

/** The machine's CPU counters (/proc/stat, all CPUs), to tell what share of a window the hypervisor took. */
export function cpuTimes(): { steal: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    return { steal: f[7] ?? 0, total: f.reduce((a, b) => a + b, 0) }
  } catch {
    return { steal: 0, total: 0 }
  }
}

/**
 * Percent of CPU time stolen by the hypervisor since `from` (a virtual machine whose host is busy loses it; every
 * latency figure of the window suffers with it).
 */
export function stealPctSince(from: { steal: number; total: number }): number {
  const now = cpuTimes()
  const total = now.total - from.total
  return total > 0 ? Math.round(((now.steal - from.steal) / total) * 1000) / 10 : 0
}

/** This process's CPU since `from` (a `process.cpuUsage()`), in cores busy on average over `seconds`. */
export function ownCpuCores(from: NodeJS.CpuUsage, seconds: number): number {
  const used = process.cpuUsage(from)
  return (used.user + used.system) / 1e6 / seconds
}
