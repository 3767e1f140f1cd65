import { Packr } from 'msgpackr'
import { LeanSocket } from './lean-socket.ts'

const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  int64AsType: 'number',
})
const DIRS = ['up', 'down', 'left', 'right'] as const

export interface RawBotStats {
  framesIn: number
  bytesIn: number
  /** Frames that are not replies (world updates and other events), counted without decoding them. */
  updatesIn: number
  updateBytesIn: number
  moves: number
  refused: number
  /** Milliseconds from sending a move to its (successful) reply: the player's own authoritative update. */
  moveLatencies: number[]
}

const emptyStats = (): RawBotStats => ({
  framesIn: 0,
  bytesIn: 0,
  updatesIn: 0,
  updateBytesIn: 0,
  moves: 0,
  refused: 0,
  moveLatencies: [],
})

/**
 * A load-test player that costs the load generator as little as possible: it decodes only replies (a frame whose
 * `type` is `ok`/`error`, recognised from its first bytes) and just counts events, so thousands fit in one process.
 */
export class RawBot {
  readonly stats: RawBotStats = emptyStats()
  private socket: LeanSocket | null = null
  private nextId = 1
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void }
  >()
  private dir: (typeof DIRS)[number] = 'down'
  private timer: NodeJS.Timeout | undefined

  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  async connect(): Promise<void> {
    const socket = new LeanSocket((data) => this.onFrame(data))
    this.socket = socket
    await socket.connect(`${this.url}/ws`, 'tavern.v1.msgpack')
    await this.call('auth', { token: this.token })
    await this.call('world.enter', {})
  }

  private onFrame(data: Buffer): void {
    this.stats.framesIn++
    this.stats.bytesIn += data.length
    // Envelope keys come in order type, id, payload: the type string starts at byte 6.
    const ok = data[6] === 0xa2 && data[7] === 0x6f && data[8] === 0x6b
    const error = data[6] === 0xa5 && data[7] === 0x65 && data[8] === 0x72
    if (!ok && !error) {
      this.stats.updatesIn++
      this.stats.updateBytesIn += data.length
      return
    }
    const env = packr.unpack(data) as { type: string; id?: number; payload: unknown }
    if (env.id === undefined) return
    const p = this.pending.get(env.id)
    this.pending.delete(env.id)
    if (!p) return
    if (ok) p.resolve(env.payload)
    else p.reject(env.payload)
  }

  /** Zeroes the counters, e.g. at the start of a measurement window. */
  resetStats(): void {
    Object.assign(this.stats, emptyStats())
  }

  call(type: string, payload: unknown): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.socket?.send(packr.pack({ type, id, payload }))
    })
  }

  /** One step in the current direction (turning at walls); records the latency of accepted steps. */
  async step(): Promise<void> {
    const t0 = performance.now()
    try {
      await this.call('world.move', { dir: this.dir })
      this.stats.moves++
      this.stats.moveLatencies.push(performance.now() - t0)
      if (Math.random() < 0.1) this.dir = DIRS[Math.floor(Math.random() * 4)]!
    } catch {
      this.stats.refused++
      this.dir = DIRS[Math.floor(Math.random() * 4)]!
    }
  }

  /** Steps every `periodMs` (with a random phase so bots do not move in lock step). */
  walk(periodMs: number): void {
    const loop = () => {
      void this.step()
      this.timer = setTimeout(loop, periodMs)
    }
    this.timer = setTimeout(loop, Math.random() * periodMs)
  }

  close(): void {
    clearTimeout(this.timer)
    this.socket?.close()
  }
}

/** Registers `n` accounts (a few at a time) and returns their access tokens. */
export async function registerAccounts(
  url: string,
  prefix: string,
  n: number,
  parallel = 16,
): Promise<string[]> {
  const out: string[] = new Array(n)
  let next = 0
  const worker = async () => {
    while (next < n) {
      const i = next++
      const res = await fetch(`${url}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `${prefix}${i}`, password: 'bot-password-123' }),
      })
      if (!res.ok) throw new Error(`register failed: ${res.status} ${await res.text()}`)
      out[i] = ((await res.json()) as { accessToken: string }).accessToken
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  return out
}
