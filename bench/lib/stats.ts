import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'

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
function cpuTimes(): { steal: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    return { steal: f[7] ?? 0, total: f.reduce((a, b) => a + b, 0) }
  } catch {
    return { steal: 0, total: 0 }
  }
}

/**
 * Starts watching a measurement window from the load generator's side; `end` says what skewed it:
 * - `stealPct`: the share of the machine's CPU time the host took (a virtual machine whose host is busy loses it,
 *   and every latency of the window with it);
 * - `lagP99Ms`: the load generator's own event-loop delay (latencies include it);
 * - `cpuCores`: the load generator's own CPU, in cores (it shares the machine with the server).
 */
export function loadGenWindow(): {
  end(seconds: number): { stealPct: number; lagP99Ms: number; cpuCores: number }
} {
  const machine0 = cpuTimes()
  const lag = monitorEventLoopDelay({ resolution: 10 })
  lag.enable()
  const cpu0 = process.cpuUsage()
  return {
    end(seconds) {
      lag.disable()
      const machine = cpuTimes()
      const total = machine.total - machine0.total
      const used = process.cpuUsage(cpu0)
      return {
        stealPct: total > 0 ? Math.round(((machine.steal - machine0.steal) / total) * 1000) / 10 : 0,
        lagP99Ms: Math.round(lag.percentile(99) / 1e4) / 100,
        cpuCores: (used.user + used.system) / 1e6 / seconds,
      }
    },
  }
}
