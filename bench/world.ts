/**
 * World benchmark: raw bots in this process (the server is a separate child) each step every 250 ms across the
 * starter world. N steps up until the server's tick p99 reaches 50 ms or a move's reply p99 reaches 100 ms (or a
 * time cap); `capacity` is the largest N that passed. Prints one JSON line; a full run (no --quick) appends it
 * to bench/results/world.jsonl.
 *
 *   npx tsx bench/world.ts            # full run (a few minutes)
 *   npx tsx bench/world.ts --quick    # smoke run (~50 bots, ~10 s)
 *   DATABASE_URL=postgres://… VALKEY_URL=redis://… npx tsx bench/world.ts   # on PostgreSQL + Valkey
 */
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { RawBot, registerAccounts } from '@tavern/bots'
import { cpuSeconds, spawnServer, stopChild } from './lib/child.ts'
import { toggleProfile } from './lib/profile.ts'
import { loadGenWindow, report, sleep, summarize } from './lib/stats.ts'

const quick = process.argv.includes('--quick')
/** `--steps=250,500` replaces the default ladder of client counts (such runs are not appended to the results). */
const stepsArg = process.argv.find((a) => a.startsWith('--steps='))?.slice('--steps='.length)
const P = quick
  ? { steps: [50], warmMs: 2000, measureMs: 6000, capMs: 60_000 }
  : {
      steps: [250, 500, 750, 1000, 1500, 2000, 2500, 3000],
      warmMs: 4000,
      measureMs: 10_000,
      capMs: 8 * 60_000,
    }
if (stepsArg) P.steps = stepsArg.split(',').map(Number)
const MOVE_PERIOD_MS = 250
const TICK_P99_MS = 50
const MOVE_P99_MS = 100

interface TickSnapshot {
  p50: number
  p99: number
  max: number
}
interface Status {
  players: number
  tick: TickSnapshot
  send: TickSnapshot
}

function rssMb(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
    return Math.round(kb / 1024)
  } catch {
    return Number.NaN
  }
}

async function status(url: string, token: string, reset: boolean): Promise<Status> {
  const res = await fetch(`${url}/api/world/status${reset ? '?reset=true' : ''}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  if (!res.ok) throw new Error(`status: ${res.status}`)
  return (await res.json()) as Status
}

const script = fileURLToPath(new URL('./servers/world.ts', import.meta.url))
const { url, child } = await spawnServer(script)
const started = Date.now()
const bots: RawBot[] = []
const steps: Array<Record<string, unknown>> = []
let capacity = 0
try {
  const prefix = `wb${Date.now().toString(36)}_`
  const tokens = await registerAccounts(url, prefix, P.steps[P.steps.length - 1]!)
  const admin = tokens[0]!
  for (const n of P.steps) {
    if (Date.now() - started > P.capMs) break
    const load = loadavg()[0]!
    const fresh: RawBot[] = []
    for (let i = bots.length; i < n; i++) fresh.push(new RawBot(url, tokens[i]!))
    for (let i = 0; i < fresh.length; i += 50)
      await Promise.all(fresh.slice(i, i + 50).map((b) => b.connect()))
    for (const b of fresh) b.walk(MOVE_PERIOD_MS)
    bots.push(...fresh)
    await sleep(P.warmMs)
    for (const b of bots)
      Object.assign(b.stats, { framesIn: 0, bytesIn: 0, moves: 0, refused: 0, moveLatencies: [] })
    await status(url, admin, true)
    const cpu0 = cpuSeconds(child.pid!)
    const loadGen = loadGenWindow()
    const t0 = performance.now()
    toggleProfile(child.pid)
    await sleep(P.measureMs)
    toggleProfile(child.pid)
    const secs = (performance.now() - t0) / 1000
    const cpu = (cpuSeconds(child.pid!) - cpu0) / secs
    const skew = loadGen.end(secs)
    const s = await status(url, admin, false)
    const lat = summarize(bots.flatMap((b) => b.stats.moveLatencies))
    const frames = bots.reduce((x, b) => x + b.stats.framesIn, 0)
    const bytes = bots.reduce((x, b) => x + b.stats.bytesIn, 0)
    const moves = bots.reduce((x, b) => x + b.stats.moves, 0)
    const refused = bots.reduce((x, b) => x + b.stats.refused, 0)
    // The criteria: the simulation tick's p99, and a move's reply p99. A long send pass shows in the latter
    // (moves wait behind it); its own duration is reported as sendMs.
    const pass = s.tick.p99 < TICK_P99_MS && lat.p99 < MOVE_P99_MS
    const step = {
      clients: n,
      inWorld: s.players,
      pass,
      tickMs: { p50: round(s.tick.p50), p99: round(s.tick.p99), max: round(s.tick.max) },
      sendMs: { p50: round(s.send.p50), p99: round(s.send.p99), max: round(s.send.max) },
      moveToUpdateMs: lat,
      movesPerSec: Math.round(moves / secs),
      refusedPerSec: Math.round(refused / secs),
      msgsPerClientPerSec: round(frames / n / secs),
      bytesPerClientPerSec: Math.round(bytes / n / secs),
      serverCpuCores: round(cpu),
      serverCpuPer1000Clients: round((cpu * 1000) / n),
      serverRssMb: rssMb(child.pid!),
      loadGenCpuCores: round(skew.cpuCores),
      // The load generator's own event-loop delay: when it is high, latencies are partly the bots' own.
      loadGenLagP99Ms: skew.lagP99Ms,
      // The machine's 1-minute load when the step began, and the share of CPU time its host took during the step:
      // either skews every figure.
      loadAvg: round(load),
      stealPct: skew.stealPct,
    }
    steps.push(step)
    process.stderr.write(`${JSON.stringify(step)}\n`)
    if (!pass) break
    capacity = n
  }
} finally {
  for (const b of bots) b.close()
  await stopChild(child)
}

report(
  {
    bench: 'world',
    at: new Date().toISOString(),
    quick,
    node: process.version,
    cpus: cpus().length,
    movePeriodMs: MOVE_PERIOD_MS,
    stores: process.env.DATABASE_URL ? 'postgres+valkey' : 'embedded',
    pinned: process.env.BENCH_PIN === '1',
    criteria: { tickP99Ms: TICK_P99_MS, moveToUpdateP99Ms: MOVE_P99_MS },
    capacity,
    steps,
  },
  // Only the default ladder is a full run worth keeping; --quick and --steps runs are not appended.
  quick || stepsArg ? null : fileURLToPath(new URL('./results/world.jsonl', import.meta.url)),
)

function round(x: number): number {
  return Math.round(x * 100) / 100
}
