/**
 * World benchmark: raw bots in this process (the server is a separate child) each step every 250 ms across the
 * starter world. N steps up until the server's tick p99 reaches 50 ms or a move's reply p99 reaches 100 ms (or a
 * time cap); `capacity` is the largest N that passed. Prints one JSON line; a full run (no --quick) appends it
 * to bench/results/world.jsonl.
 *
 * Then the same ladder runs against the floor (servers/world-floor.ts): a bare `ws` server that answers the bots'
 * requests and sends each client one update frame of the size Tavern sent at that step, 10 times a second, and does
 * nothing else. Each write costs the kernel about the same whatever its size (~8.5 µs on this host's loopback), so
 * that transport work alone sets a floor under the server CPU per client; measuring it in the same run, on the same
 * machine state, shows how much of Tavern's CPU is its own (`floorCpuPer1000Clients` beside each step, and `floor`).
 * The floor climbs at most one step past the last step Tavern ran, to show where the machine itself gives out.
 *
 *   npx tsx bench/world.ts            # full run (several minutes)
 *   npx tsx bench/world.ts --quick    # smoke run (~50 bots, ~30 s with the floor)
 *   DATABASE_URL=postgres://… VALKEY_URL=redis://… npx tsx bench/world.ts   # on PostgreSQL + Valkey
 */
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { RawBot, type RawBotStats, registerAccounts } from '@tavern/bots'
import { cpuSeconds, spawnServer, stopChild } from './lib/child.ts'
import { toggleProfile } from './lib/profile.ts'
import { loadGenWindow, report, sleep, summarize } from './lib/stats.ts'

const quick = process.argv.includes('--quick')
/** `--steps=250,500` replaces the default ladder of client counts (such runs are not appended to the results). */
const stepsArg = process.argv.find((a) => a.startsWith('--steps='))?.slice('--steps='.length)
const P = quick
  ? { steps: [50], warmMs: 2000, measureMs: 6000, capMs: 60_000 }
  : {
      steps: [250, 500, 750, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000],
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

/** Spawns `servers/<name>`, runs `run` with a list for its bots, then closes them and stops the server. */
async function onServer<T>(
  name: string,
  run: (url: string, child: ChildProcess, bots: RawBot[]) => Promise<T>,
): Promise<T> {
  const { url, child } = await spawnServer(fileURLToPath(new URL(`./servers/${name}`, import.meta.url)))
  const bots: RawBot[] = []
  try {
    return await run(url, child, bots)
  } finally {
    for (const b of bots) b.close()
    await stopChild(child)
  }
}

/** Connects bots (50 at a time) until there are `n`, and sets the new ones walking. */
async function grow(bots: RawBot[], n: number, newBot: (i: number) => RawBot): Promise<void> {
  const fresh: RawBot[] = []
  for (let i = bots.length; i < n; i++) fresh.push(newBot(i))
  for (let i = 0; i < fresh.length; i += 50) await Promise.all(fresh.slice(i, i + 50).map((b) => b.connect()))
  for (const b of fresh) b.walk(MOVE_PERIOD_MS)
  bots.push(...fresh)
}

/**
 * One step's measurement, the same for Tavern and the floor: a warm-up, then a window over which the server's CPU,
 * the bots' counters and the load generator's own skew are taken. `beforeWindow` runs once the counters are reset.
 */
async function measure(child: ChildProcess, bots: RawBot[], beforeWindow?: () => Promise<unknown>) {
  await sleep(P.warmMs)
  for (const b of bots) b.resetStats()
  await beforeWindow?.()
  const pid = child.pid!
  const cpu0 = cpuSeconds(pid)
  const loadGen = loadGenWindow()
  const t0 = performance.now()
  toggleProfile(pid)
  await sleep(P.measureMs)
  toggleProfile(pid)
  const secs = (performance.now() - t0) / 1000
  const cpu = (cpuSeconds(pid) - cpu0) / secs
  const skew = loadGen.end(secs)
  const n = bots.length
  const sum = (f: (s: RawBotStats) => number) => bots.reduce((x, b) => x + f(b.stats), 0)
  const updates = sum((s) => s.updatesIn)
  return {
    moveToUpdateMs: summarize(bots.flatMap((b) => b.stats.moveLatencies)),
    movesPerSec: Math.round(sum((s) => s.moves) / secs),
    refusedPerSec: Math.round(sum((s) => s.refused) / secs),
    msgsPerClientPerSec: round(sum((s) => s.framesIn) / n / secs),
    bytesPerClientPerSec: Math.round(sum((s) => s.bytesIn) / n / secs),
    // The average frame that is not a reply (world updates, mostly): the size the floor sends at this step.
    updateBytes: updates > 0 ? Math.round(sum((s) => s.updateBytesIn) / updates) : 0,
    serverCpuCores: round(cpu),
    serverCpuPer1000Clients: round((cpu * 1000) / n),
    loadGenCpuCores: round(skew.cpuCores),
    // The load generator's own event-loop delay: when it is high, latencies are partly the bots' own.
    loadGenLagP99Ms: skew.lagP99Ms,
    // The share of CPU time the machine's host took during the step: it skews every figure.
    stealPct: skew.stealPct,
  }
}

/** Runs steps of `counts` in order until one fails or the time cap passes; `capacity` is the last that passed. */
async function climb<S extends { clients: number; pass: boolean }>(
  label: string,
  counts: number[],
  run: (n: number) => Promise<S>,
): Promise<{ capacity: number; steps: S[] }> {
  const started = Date.now()
  const steps: S[] = []
  let capacity = 0
  for (const n of counts) {
    if (Date.now() - started > P.capMs) break
    const step = await run(n)
    steps.push(step)
    process.stderr.write(`[${label}] ${JSON.stringify(step)}\n`)
    if (!step.pass) break
    capacity = n
  }
  return { capacity, steps }
}

function tavernLadder() {
  return onServer('world.ts', async (url, child, bots) => {
    const prefix = `wb${Date.now().toString(36)}_`
    const tokens = await registerAccounts(url, prefix, P.steps[P.steps.length - 1]!)
    const admin = tokens[0]!
    return climb('tavern', P.steps, async (n) => {
      // The machine's 1-minute load when the step began: a busy machine skews every figure.
      const loadAvg = round(loadavg()[0]!)
      await grow(bots, n, (i) => new RawBot(url, tokens[i]!))
      const m = await measure(child, bots, () => status(url, admin, true))
      const s = await status(url, admin, false)
      // The criteria: the simulation tick's p99, and a move's reply p99. sendMs is the send pass's own
      // time (interest management and framing); its writes then leave a slice per event-loop turn, with moves
      // answered in between, so they show in the move reply rather than in sendMs.
      const pass = s.tick.p99 < TICK_P99_MS && m.moveToUpdateMs.p99 < MOVE_P99_MS
      return {
        clients: n,
        inWorld: s.players,
        pass,
        tickMs: { p50: round(s.tick.p50), p99: round(s.tick.p99), max: round(s.tick.max) },
        sendMs: { p50: round(s.send.p50), p99: round(s.send.p99), max: round(s.send.max) },
        ...m,
        serverRssMb: rssMb(child.pid!),
        loadAvg,
      }
    })
  })
}

/**
 * The floor's ladder: the same counts up to one step past the last one Tavern ran. `updateBytesAt` gives each step's
 * update size. With no simulation tick, a step passes on the move reply p99 alone (moves wait behind the send loop).
 */
function floorLadder(counts: number[], updateBytesAt: (n: number) => number) {
  return onServer('world-floor.ts', (url, child, bots) =>
    climb('floor', counts, async (n) => {
      const updateBytes = updateBytesAt(n)
      const res = await fetch(`${url}/floor?updateBytes=${updateBytes}`, { method: 'POST' })
      if (!res.ok) throw new Error(`floor: ${res.status}`)
      await grow(bots, n, () => new RawBot(url, 'x'))
      const m = await measure(child, bots)
      return {
        clients: n,
        pass: m.moveToUpdateMs.p99 < MOVE_P99_MS,
        moveToUpdateMs: m.moveToUpdateMs,
        msgsPerClientPerSec: m.msgsPerClientPerSec,
        bytesPerClientPerSec: m.bytesPerClientPerSec,
        updateBytes,
        serverCpuCores: m.serverCpuCores,
        serverCpuPer1000Clients: m.serverCpuPer1000Clients,
        loadGenCpuCores: m.loadGenCpuCores,
        stealPct: m.stealPct,
      }
    }),
  )
}

const tavern = await tavernLadder()
const last = tavern.steps[tavern.steps.length - 1]
const floor = last
  ? await floorLadder(P.steps.slice(0, P.steps.indexOf(last.clients) + 2), (n) => {
      // Past Tavern's last step, the update grows with the number of players in view, about in proportion to N.
      const at = tavern.steps.find((s) => s.clients === n) ?? last
      return Math.round((at.updateBytes * n) / at.clients)
    })
  : { capacity: 0, steps: [] }

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
    capacity: tavern.capacity,
    steps: tavern.steps.map((s) => ({
      ...s,
      floorCpuPer1000Clients:
        floor.steps.find((f) => f.clients === s.clients)?.serverCpuPer1000Clients ?? null,
    })),
    floor,
  },
  // Only the default ladder is a full run worth keeping; --quick and --steps runs are not appended.
  quick || stepsArg ? null : fileURLToPath(new URL('./results/world.jsonl', import.meta.url)),
)

function round(x: number): number {
  return Math.round(x * 100) / 100
}
