/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) in plain, synchronous TypeScript, so the fair roller runs
 * the same in browsers and Node and stays synchronous (WebCrypto is async only). Checked against node:crypto
 * in the tests. With a key's states saved (`HmacSha256`) a roll's HMAC is a few microseconds, faster than
 * node:crypto's `createHmac`, whose per-call key setup dominates for short messages.
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
])

const INITIAL = Uint32Array.of(
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
)

/** The message schedule, reused by every compression (the code is synchronous). */
const W = new Uint32Array(64)

/** Folds one 64-byte block of `data` at `off` into the chaining state `h`. */
function compress(h: Uint32Array, data: Uint8Array, off: number): void {
  const w = W
  for (let t = 0; t < 16; t++, off += 4)
    w[t] = (data[off]! << 24) | (data[off + 1]! << 16) | (data[off + 2]! << 8) | data[off + 3]!
  for (let t = 16; t < 64; t++) {
    const a = w[t - 15]!
    const b = w[t - 2]!
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10)
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0
  }
  let a = h[0]!
  let b = h[1]!
  let c = h[2]!
  let d = h[3]!
  let e = h[4]!
  let f = h[5]!
  let g = h[6]!
  let hh = h[7]!
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[t]! + w[t]!) | 0
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
    hh = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  h[0] = h[0]! + a
  h[1] = h[1]! + b
  h[2] = h[2]! + c
  h[3] = h[3]! + d
  h[4] = h[4]! + e
  h[5] = h[5]! + f
  h[6] = h[6]! + g
  h[7] = h[7]! + hh
}

/**
 * Hashes `data` onward from the chaining state `start`, `prefix` bytes having been hashed into it already (whole
 * blocks): padding is a 1 bit, zeros up to 56 mod 64, then the total bit length as a 64-bit big-endian number.
 */
function finish(start: Uint32Array, prefix: number, data: Uint8Array): Uint8Array {
  const h = start.slice()
  const whole = data.length - (data.length % 64)
  for (let off = 0; off < whole; off += 64) compress(h, data, off)
  const tail = new Uint8Array(data.length - whole + 9 > 64 ? 128 : 64)
  tail.set(data.subarray(whole))
  tail[data.length - whole] = 0x80
  const bits = (prefix + data.length) * 8
  const view = new DataView(tail.buffer)
  view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000))
  view.setUint32(tail.length - 4, bits >>> 0)
  for (let off = 0; off < tail.length; off += 64) compress(h, tail, off)
  const out = new Uint8Array(32)
  const outView = new DataView(out.buffer)
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]!)
  return out
}

/** SHA-256 digest of `data` (32 bytes). */
export function sha256(data: Uint8Array): Uint8Array {
  return finish(INITIAL, 0, data)
}

/**
 * HMAC-SHA256 under one key. The key's padded inner and outer blocks are hashed once, here; each message then
 * costs two or three compressions (RFC 2104 computed from those saved states).
 */
export class HmacSha256 {
  private readonly inner = INITIAL.slice()
  private readonly outer = INITIAL.slice()

  constructor(key: Uint8Array) {
    const block = new Uint8Array(64)
    block.set(key.length > 64 ? sha256(key) : key)
    const pad = new Uint8Array(64)
    for (let i = 0; i < 64; i++) pad[i] = block[i]! ^ 0x36
    compress(this.inner, pad, 0)
    for (let i = 0; i < 64; i++) pad[i] = block[i]! ^ 0x5c
    compress(this.outer, pad, 0)
  }

  mac(message: Uint8Array): Uint8Array {
    return finish(this.outer, 64, finish(this.inner, 64, message))
  }
}

/** HMAC-SHA256 of `message` under `key` (32 bytes). */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new HmacSha256(key).mac(message)
}

const encoder = new TextEncoder()

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out
}
