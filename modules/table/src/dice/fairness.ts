import type { DiceErrorInfo } from './errors.ts'
import type { DiceLimits } from './limits.ts'
import type { DiceRng, RollResult } from './result.ts'
import { tryRoll } from './roller.ts'
import { HmacSha256, sha256, toHex, utf8 } from './sha256.ts'

/**
 * Provably fair rolls. The server picks a secret seed and publishes `commit(seed)` before any roll. Each roll
 * draws from HMAC-SHA256(key = server seed, message = `${clientSeed}:${nonce}:${counter}`), counter = 0, 1, …,
 * read as big-endian 32-bit words, each turned into a die by rejection sampling (no modulo bias). Once the seed
 * is revealed anyone can recompute every roll; the README walks through it by hand.
 */
export interface FairSeeds {
  /** Secret until revealed; used as the HMAC key, as its UTF-8 text. */
  serverSeed: string
  /** Chosen by the player (or the table) so the server cannot pick seeds that favour it. */
  clientSeed: string
  /** Different for every roll made under one server seed: 0, 1, 2, … */
  nonce: number
}

/** A deterministic random source that remembers every value it handed out. */
export interface FairRandom extends DiceRng {
  readonly draws: readonly number[]
}

const TWO_32 = 0x1_0000_0000

/** The random source for one roll; the same seeds always give the same draws. */
export function fairRandom(seeds: FairSeeds): FairRandom {
  const { serverSeed, clientSeed, nonce } = seeds
  if (typeof serverSeed !== 'string' || serverSeed.length === 0)
    throw new TypeError('serverSeed must be a non-empty string')
  if (typeof clientSeed !== 'string') throw new TypeError('clientSeed must be a string')
  if (!Number.isSafeInteger(nonce) || nonce < 0) throw new RangeError('nonce must be a non-negative integer')
  return new FairSource(keyOf(serverSeed), `${clientSeed}:${nonce}:`)
}

class FairSource implements FairRandom {
  readonly draws: number[] = []
  private counter = 0
  private block: Uint8Array = new Uint8Array(0)
  private word = 8

  constructor(
    private readonly key: HmacSha256,
    /** `${clientSeed}:${nonce}:`, the HMAC message without its counter. */
    private readonly prefix: string,
  ) {}

  int(min: number, max: number): number {
    const range = max - min + 1
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || range < 1 || range > TWO_32) {
      throw new RangeError(`cannot draw from [${min}, ${max}]`)
    }
    // Words at or above the largest multiple of `range` would favour small values: skip them.
    const limit = TWO_32 - (TWO_32 % range)
    for (;;) {
      const w = this.nextWord()
      if (w >= limit) continue
      const v = min + (w % range)
      this.draws.push(v)
      return v
    }
  }

  private nextWord(): number {
    if (this.word === 8) {
      this.block = this.key.mac(utf8(`${this.prefix}${this.counter++}`))
      this.word = 0
    }
    const b = this.block
    const i = 4 * this.word++
    return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0
  }
}

/** Key states of recent server seeds (a room rolls under one seed for a whole epoch), oldest dropped first. */
const keys = new Map<string, HmacSha256>()
const KEYS_KEPT = 4096

function keyOf(serverSeed: string): HmacSha256 {
  let key = keys.get(serverSeed)
  if (!key) {
    if (keys.size >= KEYS_KEPT) keys.delete(keys.keys().next().value as string)
    key = new HmacSha256(utf8(serverSeed))
    keys.set(serverSeed, key)
  }
  return key
}

/** The commitment published before rolling: SHA-256 of the seed's UTF-8 text, lower-case hex. */
export function commit(serverSeed: string): string {
  return toHex(sha256(utf8(serverSeed)))
}

/** A fresh server seed: 32 random bytes as 64 hex characters (WebCrypto's generator, in browsers and Node). */
export function newServerSeed(): string {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(32)))
}

/** What the server publishes for each roll, enough to recompute it once the seed is revealed. */
export interface FairRollRecord {
  notation: string
  clientSeed: string
  nonce: number
  total: number
  /** Every number the roll drew, in order (dice, rerolls and explosions). */
  draws: number[]
}

export type FairOutcome =
  | { ok: true; result: RollResult; record: FairRollRecord }
  | { ok: false; error: DiceErrorInfo }

/** Rolls notation with the fair generator and returns the record to publish alongside the result. */
export function fairRoll(notation: string, seeds: FairSeeds, limits?: Partial<DiceLimits>): FairOutcome {
  const rng = fairRandom(seeds)
  const outcome = tryRoll(notation, rng, limits)
  if (!outcome.ok) return outcome
  const { result } = outcome
  const record: FairRollRecord = {
    notation: result.notation,
    clientSeed: seeds.clientSeed,
    nonce: seeds.nonce,
    total: result.total,
    draws: [...rng.draws],
  }
  return { ok: true, result, record }
}

export type FairMismatchReason = 'notation' | 'draws' | 'total' | 'nonce_reused' | 'invalid_record'

export interface FairMismatch {
  /** Index of the record in the list given to `verify`. */
  index: number
  reason: FairMismatchReason
  message: string
  expected?: { total: number; draws: number[] }
}

export interface FairVerification {
  /** True when the commitment matches and every record recomputes exactly. */
  ok: boolean
  commitmentMatches: boolean
  checked: number
  mismatches: FairMismatch[]
}

/** After the seed is revealed: checks the commitment and recomputes every published roll. */
export function verify(
  serverSeed: string,
  commitment: string,
  records: readonly FairRollRecord[],
  limits?: Partial<DiceLimits>,
): FairVerification {
  const commitmentMatches = commit(serverSeed) === commitment.trim().toLowerCase()
  const mismatches: FairMismatch[] = []
  const used = new Set<string>()
  records.forEach((rec, index) => {
    if (typeof rec.clientSeed !== 'string' || !Number.isSafeInteger(rec.nonce) || rec.nonce < 0) {
      mismatches.push({
        index,
        reason: 'invalid_record',
        message: 'the record needs a client seed and a nonce ≥ 0',
      })
      return
    }
    const key = `${rec.clientSeed}:${rec.nonce}`
    if (used.has(key)) {
      mismatches.push({
        index,
        reason: 'nonce_reused',
        message: `nonce ${rec.nonce} was already used with this client seed`,
      })
    }
    used.add(key)
    const again = fairRoll(rec.notation, { serverSeed, clientSeed: rec.clientSeed, nonce: rec.nonce }, limits)
    if (!again.ok) {
      mismatches.push({
        index,
        reason: 'notation',
        message: `the notation does not roll: ${again.error.message}`,
      })
      return
    }
    const expected = { total: again.record.total, draws: again.record.draws }
    if (Array.isArray(rec.draws) && !sameNumbers(rec.draws, expected.draws)) {
      mismatches.push({
        index,
        reason: 'draws',
        message: 'the dice differ from what the seed produces',
        expected,
      })
    } else if (rec.total !== expected.total) {
      mismatches.push({ index, reason: 'total', message: `the total should be ${expected.total}`, expected })
    }
  })
  return {
    ok: commitmentMatches && mismatches.length === 0,
    commitmentMatches,
    checked: records.length,
    mismatches,
  }
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}
