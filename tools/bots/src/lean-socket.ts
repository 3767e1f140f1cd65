import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

/**
 * The least a load-test client needs of a WebSocket (RFC 6455), over a plain TCP socket: the upgrade, whole binary
 * or text messages in, masked binary messages out, pongs for the server's pings, and the close. A general client
 * (`ws`) runs every frame through a stream, an event and a copy; thousands of bots in one process on a 2-core
 * machine make that the limit of the benchmark instead of the server. It assumes what Tavern does: no extensions
 * (no compression) and unfragmented messages. Not for anything but load tests: it masks with a zero key (valid
 * framing, but no protection against proxies that cache), which makes masking free.
 */
export class LeanSocket {
  private socket: Socket | null = null
  /** Bytes of a frame that arrived in pieces (most reads hold whole frames and never use it). */
  private partial: Buffer | null = null
  private open = false

  constructor(private readonly onMessage: (payload: Buffer) => void) {}

  /** Connects and upgrades to a WebSocket speaking `protocol`; resolves once the server accepted. */
  connect(url: string, protocol: string): Promise<void> {
    const u = new URL(url)
    const socket = connect(Number(u.port || 80), u.hostname)
    socket.setNoDelay(true)
    this.socket = socket
    const key = randomBytes(16).toString('base64')
    return new Promise((resolve, reject) => {
      let head = Buffer.alloc(0)
      socket.once('error', reject)
      socket.once('connect', () =>
        socket.write(
          `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
        ),
      )
      const onHandshake = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk])
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) return
        socket.off('data', onHandshake)
        socket.off('error', reject)
        const status = head.subarray(0, head.indexOf('\r\n')).toString()
        if (!/^HTTP\/1\.1 101 /.test(status)) {
          socket.destroy()
          reject(new Error(`upgrade refused: ${status}`))
          return
        }
        this.open = true
        socket.on('data', (d: Buffer) => this.read(d))
        socket.on('error', () => this.close())
        socket.on('close', () => {
          this.open = false
        })
        resolve()
        if (head.length > end + 4) this.read(head.subarray(end + 4))
      }
      socket.on('data', onHandshake)
    })
  }

  /** Sends one binary message. */
  send(payload: Buffer): void {
    if (!this.open) return
    this.writeFrame(0x2, payload)
  }

  close(): void {
    if (!this.open) return
    this.open = false
    this.writeFrame(0x8, Buffer.from([0x03, 0xe8]), true)
    this.socket?.end()
  }

  private writeFrame(opcode: number, payload: Buffer, force = false): void {
    const socket = this.socket
    if (!socket || (!this.open && !force)) return
    const n = payload.length
    if (n >= 0x10000) throw new Error('message too large for a load-test frame')
    // FIN + opcode, the mask bit with the length, then a zero mask key: the payload goes out as it is.
    const head =
      n < 126
        ? Buffer.from([0x80 | opcode, 0x80 | n, 0, 0, 0, 0])
        : Buffer.from([0x80 | opcode, 0x80 | 126, n >> 8, n & 0xff, 0, 0, 0, 0])
    socket.write(Buffer.concat([head, payload]))
  }

  /** Takes whole frames out of what arrived, keeping a trailing piece for the next read. */
  private read(data: Buffer): void {
    let buf = data
    if (this.partial) {
      buf = Buffer.concat([this.partial, data])
      this.partial = null
    }
    let at = 0
    while (buf.length - at >= 2) {
      const opcode = buf[at]! & 0x0f
      let n = buf[at + 1]! & 0x7f
      let start = at + 2
      if (n === 126) {
        if (buf.length - at < 4) break
        n = buf.readUInt16BE(at + 2)
        start = at + 4
      } else if (n === 127) {
        if (buf.length - at < 10) break
        n = Number(buf.readBigUInt64BE(at + 2))
        start = at + 10
      }
      if (buf.length < start + n) break
      const payload = buf.subarray(start, start + n)
      at = start + n
      if (opcode === 0x1 || opcode === 0x2) this.onMessage(payload)
      else if (opcode === 0x9) this.writeFrame(0xa, Buffer.from(payload))
      else if (opcode === 0x8) {
        this.open = false
        this.socket?.end()
        return
      }
    }
    if (at < buf.length) this.partial = Buffer.from(buf.subarray(at))
  }
}
