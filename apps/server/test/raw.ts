import {
  type Envelope,
  jsonCodec,
  msgpackCodec,
  SUBPROTOCOL_JSON,
  SUBPROTOCOL_MSGPACK,
} from '@tavern/protocol'
import WebSocket from 'ws'

/** A bare WebSocket speaking Tavern's envelope by hand, for hostile-input tests. */
export class RawSocket {
  readonly frames: Envelope[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  private waiters: Array<() => void> = []
  private readonly codec

  private constructor(
    readonly ws: WebSocket,
    format: 'msgpack' | 'json',
  ) {
    this.codec = format === 'json' ? jsonCodec : msgpackCodec
    ws.on('message', (data: Buffer, isBinary) => {
      this.frames.push(this.codec.decode(isBinary ? data : data.toString()) as Envelope)
      for (const w of this.waiters.splice(0)) w()
    })
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
    ws.on('error', () => undefined)
  }

  static async open(
    baseUrl: string,
    format: 'msgpack' | 'json' = 'msgpack',
    protocols?: string[],
    opts: { autoPong?: boolean } = {},
  ): Promise<RawSocket> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/ws`
    const ws = new WebSocket(url, protocols ?? [format === 'json' ? SUBPROTOCOL_JSON : SUBPROTOCOL_MSGPACK], {
      autoPong: opts.autoPong ?? true,
    })
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    return new RawSocket(ws, format)
  }

  send(env: Envelope): void {
    this.ws.send(this.codec.encode(env))
  }

  sendRaw(data: Buffer | string): void {
    this.ws.send(data)
  }

  /** The next frame matching `pred` (already received or future). */
  async next(pred: (e: Envelope) => boolean = () => true, timeoutMs = 3000): Promise<Envelope> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = this.frames.findIndex(pred)
      if (i >= 0) return this.frames.splice(i, 1)[0]!
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching frame; got ${JSON.stringify(this.frames).slice(0, 500)}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  /** Sends a request and returns its reply. */
  async request(
    type: string,
    payload: unknown,
    id: number | string = Math.floor(Math.random() * 1e9),
  ): Promise<Envelope> {
    this.send({ type, id, payload })
    return this.next((e) => e.id === id && (e.type === 'ok' || e.type === 'error'))
  }

  close(): void {
    this.ws.close()
  }
}
