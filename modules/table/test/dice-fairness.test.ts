import { createHash, createHmac } from 'node:crypto'
import { commit, type FairRollRecord, fairRandom, fairRoll, newServerSeed, verify } from '@tavern/table/dice'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hmacSha256, sha256, toHex, utf8 } from '../src/dice/sha256.ts'

const nodeSha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')
const nodeHmac = (key: Uint8Array, msg: Uint8Array): string =>
  createHmac('sha256', key).update(msg).digest('hex')

describe('sha256 and hmac', () => {
  it('matches the published test vectors', () => {
    expect(toHex(sha256(utf8('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(toHex(sha256(utf8('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    expect(toHex(sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    )
    expect(toHex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    )
    // RFC 4231, test case 2
    expect(toHex(hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    )
  })

  it('agrees with node:crypto around every padding boundary', () => {
    for (let n = 0; n <= 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff)
      expect(toHex(sha256(data))).toBe(nodeSha(data))
    }
  })

  it('agrees with node:crypto on random inputs and keys (including keys longer than a block)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 150 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        (data, key, text) => {
          expect(toHex(sha256(data))).toBe(nodeSha(data))
          expect(toHex(hmacSha256(key, data))).toBe(nodeHmac(key, data))
          expect(toHex(sha256(utf8(text)))).toBe(createHash('sha256').update(text, 'utf8').digest('hex'))
        },
      ),
      { numRuns: 300 },
    )
  })
})

/** The README's by-hand procedure, written with node:crypto only. */
function byHand(
  serverSeed: string,
  clientSeed: string,
  nonce: number,
  dice: Array<[number, number]>,
): number[] {
  const words: number[] = []
  for (let counter = 0; words.length < dice.length * 4 + 64; counter++) {
    const hex = createHmac('sha256', serverSeed).update(`${clientSeed}:${nonce}:${counter}`).digest('hex')
    for (let i = 0; i < 64; i += 8) words.push(Number.parseInt(hex.slice(i, i + 8), 16))
  }
  const out: number[] = []
  for (const [min, max] of dice) {
    const range = max - min + 1
    const limit = 2 ** 32 - (2 ** 32 % range)
    let w = words.shift()!
    while (w >= limit) w = words.shift()!
    out.push(min + (w % range))
  }
  return out
}

describe('fair generator', () => {
  const serverSeed = '6cc1499454195ff94009f6279ce5b2d0c13d9fada6bf843dc00891ca574fa3fd'

  it('reproduces the worked example in the README', () => {
    expect(commit(serverSeed)).toBe('44ef53b6c0ae02d0963e509d19d51e5c4d40d65a8e2d340aacb7fc872b1e4951')
    const out = fairRoll('4d6kh3 + 1d20', { serverSeed, clientSeed: 'alice', nonce: 7 })
    expect(out.ok && out.record).toEqual({
      notation: '4d6kh3 + 1d20',
      clientSeed: 'alice',
      nonce: 7,
      total: 23,
      draws: [6, 2, 1, 4, 11],
    })
    expect(out.ok && out.result.text).toBe('4d6kh3 + 1d20 = [6, 2, ~~1~~, 4] + [11] = 23')
  })

  it('follows the by-hand procedure, across HMAC blocks', () => {
    const rng = fairRandom({ serverSeed, clientSeed: 'bob', nonce: 3 })
    const dice = Array.from({ length: 40 }, (_, i): [number, number] => [
      1,
      [4, 6, 8, 10, 12, 20, 100][i % 7]!,
    ])
    const mine = dice.map(([min, max]) => rng.int(min, max))
    expect(mine).toEqual(byHand(serverSeed, 'bob', 3, dice))
    expect(rng.draws).toEqual(mine)
  })

  it('rejects words above the last whole multiple of the range instead of folding them (no modulo bias)', () => {
    // With 2^31 + 1 values about half of all words fall above the limit and must be skipped.
    const range: [number, number] = [0, 2 ** 31]
    const rng = fairRandom({ serverSeed, clientSeed: 'bias', nonce: 0 })
    const mine = Array.from({ length: 30 }, () => rng.int(...range))
    expect(mine).toEqual(
      byHand(
        serverSeed,
        'bias',
        0,
        Array.from({ length: 30 }, () => range),
      ),
    )
  })

  it('refuses bad ranges and seeds', () => {
    const rng = fairRandom({ serverSeed, clientSeed: '', nonce: 0 })
    expect(() => rng.int(2, 1)).toThrow(RangeError)
    expect(() => rng.int(0, 2 ** 32)).toThrow(RangeError)
    expect(() => fairRandom({ serverSeed: '', clientSeed: 'a', nonce: 0 })).toThrow(TypeError)
    expect(() => fairRandom({ serverSeed, clientSeed: 'a', nonce: -1 })).toThrow(RangeError)
  })

  it('makes fresh 256-bit seeds', () => {
    const a = newServerSeed()
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(newServerSeed()).not.toBe(a)
  })

  it.each([
    [6, 60_000, 30],
    [20, 60_000, 60],
  ])('is uniform on d%i (chi-square over %i rolls below %i)', (sides, n, bound) => {
    const rng = fairRandom({ serverSeed: 'uniformity', clientSeed: 'test', nonce: 0 })
    const counts = new Array<number>(sides).fill(0)
    for (let i = 0; i < n; i++) counts[rng.int(1, sides) - 1]!++
    const expected = n / sides
    const chi = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0)
    expect(chi).toBeLessThan(bound)
  })

  it('is uniform across nonces too (first d6 of 12,000 rolls)', () => {
    const counts = [0, 0, 0, 0, 0, 0]
    for (let nonce = 0; nonce < 12_000; nonce++) {
      counts[fairRandom({ serverSeed: 'nonces', clientSeed: 'c', nonce }).int(1, 6) - 1]!++
    }
    const chi = counts.reduce((sum, c) => sum + (c - 2000) ** 2 / 2000, 0)
    expect(chi).toBeLessThan(30)
  })
})

describe('verifying a revealed seed', () => {
  const serverSeed = 'revealed-seed'
  const commitment = commit(serverSeed)
  const records: FairRollRecord[] = ['1d20+5', '4d6kh3', '3d6!', '{1d20, 1d20}kh1', '8d10>=7f1'].map(
    (n, nonce) => {
      const out = fairRoll(n, { serverSeed, clientSeed: 'table-7', nonce })
      if (!out.ok) throw new Error(out.error.message)
      return out.record
    },
  )

  it('accepts honest records', () => {
    expect(verify(serverSeed, commitment.toUpperCase(), records)).toEqual({
      ok: true,
      commitmentMatches: true,
      checked: 5,
      mismatches: [],
    })
  })

  it('catches a wrong seed, a changed total, changed dice, a reused nonce and bad notation', () => {
    expect(verify('other-seed', commitment, records)).toMatchObject({ ok: false, commitmentMatches: false })
    const tampered: FairRollRecord[] = [
      { ...records[0]!, total: records[0]!.total + 1 },
      { ...records[1]!, draws: records[1]!.draws.map((d) => (d % 6) + 1) },
      { ...records[2]!, nonce: records[0]!.nonce },
      { ...records[3]!, notation: '1d' },
    ]
    const report = verify(serverSeed, commitment, tampered)
    expect(report.ok).toBe(false)
    expect(report.commitmentMatches).toBe(true)
    expect(report.mismatches.map((m) => [m.index, m.reason])).toEqual([
      [0, 'total'],
      [1, 'draws'],
      [2, 'nonce_reused'],
      [2, 'draws'],
      [3, 'notation'],
    ])
    expect(report.mismatches[0]!.expected?.total).toBe(records[0]!.total)
  })
})
