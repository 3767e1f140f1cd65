/**
 * Tabletop benchmark: rooms of six members (a GM and five players) chatting and rolling dice through Tavern's
 * `table.*` messages, with raw ws + msgpack clients. Measures the fan-out latency (send → every member receives
 * the entry), deliveries per second and server CPU at 100 and 1,000 rooms; the baseline, in the same run, is the
 * same traffic through the gateway benchmark's bare fan-out module (no validation, rules, log or persistence).
 * Prints one JSON line; a full run (no --quick) appends it to bench/results/table.jsonl.
 *
 *   npx tsx bench/table.ts            # full run (100 and 1,000 rooms; several minutes of setup)
 *   npx tsx bench/table.ts --quick    # smoke run (~20 rooms)
 */
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Packr } from 'msgpackr'
import WebSocket from 'ws'
import { cpuSeconds, spawnServer, stopChild } from './lib/child.ts'
import { toggleProfile } from './lib/profile.ts'
import { loadGenWindow, report, sleep, summarize } from './lib/stats.ts'

const quick = process.argv.includes('--quick')
/** `--rooms=100,1000` and `--seconds=20` override the defaults (such runs are not appended to the results). */
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const custom = arg('rooms') !== undefined || arg('seconds') !== undefined
const P = {
  roomCounts: arg('rooms')?.split(',').map(Number) ?? (quick ? [20] : [100, 1000]),
  seconds: Number(arg('seconds') ?? (quick ? 5 : 20)),
  sendEveryMs: 3000,
  setupConcurrency: 16,
}
const ROOM_SIZE = 6

const packr = new Packr({ useRecords: false, variableMapSize: true })

interface Member {
  token: string
  sessionId: string
  room: number
}

/** One raw client. Only the measuring member of each room decodes its frames; the others just count them. */
class Client {
  ws!: WebSocket
  frames = 0
  sent = 0
  /** Error replies to pushed requests (rate limits, …), seen by measuring members only. */
  errors = 0
  measure = false
  decode = true
  onEvent: (type: string, payload: Record<string, unknown>) => void = () => undefined
  private nextId = 1
  private readonly pending = new Map<number, (env: { type: string; payload: unknown }) => void>()

  constructor(readonly member: Member) {}

  async open(url: string): Promise<void> {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, ['tavern.v1.msgpack'], {
      perMessageDeflate: false,
    })
    await new Promise((resolve, reject) => {
      this.ws.once('open', resolve)
      this.ws.once('error', reject)
    })
    this.ws.on('message', (data: Buffer) => {
      this.frames++
      if (!this.decode && !this.measure) return
      const env = packr.unpack(data) as { type: string; id?: number; payload: Record<string, unknown> }
      const waiting = env.id === undefined ? undefined : this.pending.get(env.id)
      if (waiting) {
        this.pending.delete(env.id!)
        waiting(env)
      } else if (env.type === 'error') this.errors++
      else if (env.id === undefined && this.measure) this.onEvent(env.type, env.payload)
    })
    const auth = await this.call('auth', { token: this.member.token })
    if (auth.type !== 'ok') throw new Error(`auth failed: ${JSON.stringify(auth.payload)}`)
  }

  call(type: string, payload: unknown): Promise<{ type: string; payload: unknown }> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      this.ws.send(packr.pack({ type, id, payload }))
    })
  }

  /** Fire and forget (the reply is counted as a frame, not decoded). */
  push(type: string, payload: unknown): void {
    this.sent++
    this.ws.send(packr.pack({ type, id: this.nextId++, payload }))
  }
}

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++
        out[i] = await fn(i)
      }
    }),
  )
  return out
}

async function rest<T>(url: string, method: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** Accounts through REST register; per room a campaign, a session and an invite the five players redeem. */
async function setup(url: string, rooms: number): Promise<Member[][]> {
  const stamp = Date.now().toString(36)
  const tokens = await pool(rooms * ROOM_SIZE, P.setupConcurrency, async (i) => {
    const r = await rest<{ accessToken: string }>(url, 'POST', '/api/auth/register', {
      username: `tb_${stamp}_${i}`,
      password: 'benchmark-password',
    })
    return r.accessToken
  })
  return pool(rooms, P.setupConcurrency, async (room) => {
    const t = tokens.slice(room * ROOM_SIZE, (room + 1) * ROOM_SIZE)
    const gm = t[0]!
    const campaign = await rest<{ id: string }>(url, 'POST', '/api/table/campaigns', { name: `c${room}` }, gm)
    const session = await rest<{ id: string }>(
      url,
      'POST',
      `/api/table/campaigns/${campaign.id}/sessions`,
      { title: `room ${room}` },
      gm,
    )
    const invite = await rest<{ code: string }>(
      url,
      'POST',
      `/api/table/sessions/${session.id}/invites`,
      {},
      gm,
    )
    for (const p of t.slice(1)) await rest(url, 'POST', '/api/table/join', { code: invite.code }, p)
    return t.map((token) => ({ token, sessionId: session.id, room }))
  })
}

interface Phase {
  deliveriesPerSec: number
  p50: number
  p99: number
  max: number
  n: number
  sentPerSec: number
  errors: number
  serverCpuSec: number
  serverCpuPct: number
  /** Worst and 99th-percentile event-loop delay of the server during the phase. */
  serverLoopLagMaxMs: number
  serverLoopLagP99Ms: number
  stealPct: number
  loadGenLagP99Ms: number
  loadGenCpuPct: number
}

/** The server's event-loop delay since the previous scrape (prom-client resets it at every collection). */
async function loopLag(url: string): Promise<{ max: number; p99: number }> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const read = (name: string) => {
    const m = new RegExp(`^tavern_(?:process_)?nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)
    return m ? Math.round(Number(m[1]) * 100_000) / 100 : Number.NaN
  }
  return { max: read('max'), p99: read('p99') }
}

/** Every member sends one message every `sendEveryMs` (alternating chat and a roll, or a bare shout). */
async function drive(
  url: string,
  clients: Client[],
  pid: number,
  kind: 'table' | 'baseline',
): Promise<Phase> {
  const latencies: number[] = []
  const record = (t: unknown) => {
    if (typeof t === 'number') latencies.push(performance.now() - t)
  }
  for (const c of clients) {
    c.decode = false
    c.errors = 0
    c.onEvent = (type, p) => {
      if (type === 'table.entry') {
        const e = p.entry as { kind: string; text?: string; label?: string }
        const mark = e.kind === 'chat' ? e.text : e.label
        if (mark?.startsWith('b:')) record(Number(mark.slice(2)))
      } else if (type === 'bench.heard') record(p.t)
    }
  }
  const frames0 = clients.reduce((n, c) => n + c.frames, 0)
  await loopLag(url)
  const cpu0 = cpuSeconds(pid)
  const loadGen = loadGenWindow()
  const timers: NodeJS.Timeout[] = []
  let flip = 0
  const end = performance.now() + P.seconds * 1000
  for (const c of clients) {
    const start = setTimeout(() => {
      const send = () => {
        if (performance.now() >= end) return
        const t = performance.now()
        const { sessionId, room } = c.member
        if (kind === 'baseline') c.push('bench.shout', { room: `r${room}`, t, body: 'the dragon wakes' })
        else if (flip++ % 2 === 0) c.push('table.say', { sessionId, text: `b:${t}` })
        else c.push('table.roll', { sessionId, formula: '1d20+3', label: `b:${t}` })
      }
      send()
      timers.push(setInterval(send, P.sendEveryMs))
    }, Math.random() * P.sendEveryMs)
    timers.push(start)
  }
  // With BENCH_PROFILE, each phase gets its own profile: the table's first, then the baseline's.
  toggleProfile(pid)
  await sleep(P.seconds * 1000)
  toggleProfile(pid)
  for (const t of timers) clearInterval(t)
  await sleep(500)
  const cpu = cpuSeconds(pid) - cpu0
  const skew = loadGen.end(P.seconds + 0.5)
  const lag = await loopLag(url)
  const sent = clients.reduce((n, c) => n + c.sent, 0)
  const frames = clients.reduce((n, c) => n + c.frames, 0) - frames0
  for (const c of clients) c.sent = 0
  const s = summarize(latencies)
  return {
    // Every request gets one reply frame; the rest are events delivered to members.
    deliveriesPerSec: Math.round((frames - sent) / P.seconds),
    ...s,
    sentPerSec: Math.round(sent / P.seconds),
    errors: clients.reduce((n, c) => n + c.errors, 0),
    serverCpuSec: round(cpu),
    serverCpuPct: Math.round((cpu / (P.seconds + 0.5)) * 100),
    serverLoopLagMaxMs: lag.max,
    serverLoopLagP99Ms: lag.p99,
    // What skewed the window: the host's stolen share, and the load generator's own loop delay and CPU.
    stealPct: skew.stealPct,
    loadGenLagP99Ms: skew.lagP99Ms,
    loadGenCpuPct: Math.round(skew.cpuCores * 100),
  }
}

async function measure(url: string, pid: number, members: Member[][], rooms: number) {
  const clients: Client[] = []
  await pool(rooms * ROOM_SIZE, P.setupConcurrency * 4, async (i) => {
    const m = members[Math.floor(i / ROOM_SIZE)]![i % ROOM_SIZE]!
    const c = new Client(m)
    // The last member of each room measures: it decodes what it receives.
    c.measure = i % ROOM_SIZE === ROOM_SIZE - 1
    await c.open(url)
    const joined = await c.call('table.join', { sessionId: m.sessionId })
    if (joined.type !== 'ok') throw new Error(`table.join failed: ${JSON.stringify(joined.payload)}`)
    await c.call('bench.join', { room: `r${m.room}` })
    clients[i] = c
  })
  await sleep(500)
  const table = await drive(url, clients, pid, 'table')
  const baseline = await drive(url, clients, pid, 'baseline')
  for (const c of clients) c.ws.close()
  await sleep(1000)
  return { rooms, clients: clients.length, table, baseline }
}

const round = (x: number) => Math.round(x * 1000) / 1000

const script = fileURLToPath(new URL('./servers/table.ts', import.meta.url))
const loadAtStart = loadavg()[0]!
const { url, child } = await spawnServer(script)
try {
  const maxRooms = Math.max(...P.roomCounts)
  const t0 = performance.now()
  const members = await setup(url, maxRooms)
  const setupSec = round((performance.now() - t0) / 1000)
  const phases = []
  for (const rooms of P.roomCounts) phases.push(await measure(url, child.pid!, members, rooms))
  const last = phases.at(-1)!
  report(
    {
      bench: 'table',
      at: new Date().toISOString(),
      quick,
      node: process.version,
      params: { ...P, roomSize: ROOM_SIZE },
      stores: {
        durable: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
        hot: process.env.VALKEY_URL ? 'valkey' : 'memory',
      },
      setupSec,
      // Other work on the machine skews latency: the 1-minute load average before and after the run.
      machine: {
        cpus: cpus().length,
        loadAvgStart: round(loadAtStart),
        loadAvgEnd: round(loadavg()[0]!),
        pinned: process.env.BENCH_PIN === '1',
      },
      phases,
      target: { rooms: last.rooms, p99Ms: 20, met: last.table.p99 < 20 },
    },
    quick || custom ? null : fileURLToPath(new URL('./results/table.jsonl', import.meta.url)),
  )
} finally {
  await stopChild(child)
}
process.exit(0)
