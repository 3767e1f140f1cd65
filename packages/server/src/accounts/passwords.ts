import { randomBytes } from 'node:crypto'
import { hash, parseOptions, verify } from '@node-rs/argon2'

export interface Argon2Params {
  memoryCost: number
  timeCost: number
  parallelism: number
}

export interface PasswordHasher {
  hash(password: string): Promise<string>
  /** Verifies against `stored`, or against a dummy hash when there is no user, so both take the same time. */
  verify(stored: string | null, password: string): Promise<boolean>
  /** Whether `stored` was made with other parameters than the current ones (rehash after a good login). */
  needsRehash(stored: string): boolean
}

/** Different clients may encode the same typed password differently; NFKC makes them one. */
const normalise = (password: string): string => password.normalize('NFKC')

/** argon2id hashing with the given cost (the algorithm is @node-rs/argon2's default, argon2id). */
export async function createPasswordHasher(params: Argon2Params): Promise<PasswordHasher> {
  const options = {
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  }
  const dummy = await hash(randomBytes(24).toString('base64url'), options)
  return {
    hash: (password) => hash(normalise(password), options),
    async verify(stored, password) {
      try {
        const ok = await verify(stored ?? dummy, normalise(password))
        return stored !== null && ok
      } catch {
        // A corrupt stored hash must not open the door, nor crash the request.
        return false
      }
    },
    needsRehash(stored) {
      try {
        const p = parseOptions(stored)
        return (
          p.algorithm !== 2 ||
          p.memoryCost !== params.memoryCost ||
          p.timeCost !== params.timeCost ||
          p.parallelism !== params.parallelism
        )
      } catch {
        return true
      }
    },
  }
}
