import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { roleAtLeast } from '../src/accounts/api.ts'
import { accountsConfigSchema } from '../src/accounts/config.ts'
import { createPasswordHasher } from '../src/accounts/passwords.ts'
import { loadOrCreateSecret, SECRET_FILE } from '../src/accounts/secret.ts'
import { Throttle } from '../src/accounts/throttle.ts'
import { createAccessTokens, hashRefreshToken, newRefreshToken } from '../src/accounts/tokens.ts'
import { likePattern } from '../src/accounts/users.ts'
import { ManualClock } from '../src/clock.ts'
import { MemoryHotStore } from '../src/hot/memory.ts'
import { Rejection } from '../src/module.ts'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'tavern-accounts-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('jwt secret file', () => {
  it('is created once with mode 0600 and reused after', async () => {
    const dir = join(tempDir(), 'nested', 'data')
    const first = await loadOrCreateSecret(dir)
    expect(first.length).toBeGreaterThanOrEqual(32)
    const path = join(dir, SECRET_FILE)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(await loadOrCreateSecret(dir)).toBe(first)
    expect(readFileSync(path, 'utf8').trim()).toBe(first)
  })

  it('agrees on one secret when several starts race', async () => {
    const dir = tempDir()
    const all = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSecret(dir)))
    expect(new Set(all).size).toBe(1)
  })

  it('differs between data directories and refuses a short one', async () => {
    expect(await loadOrCreateSecret(tempDir())).not.toBe(await loadOrCreateSecret(tempDir()))
    const dir = tempDir()
    writeFileSync(join(dir, SECRET_FILE), 'short\n', { mode: 0o644 })
    await expect(loadOrCreateSecret(dir)).rejects.toThrow(/shorter than 32/)
  })

  it('tightens the permissions of a copied secret', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, SECRET_FILE), `${'x'.repeat(40)}\n`, { mode: 0o644 })
    expect(await loadOrCreateSecret(dir)).toBe('x'.repeat(40))
    expect(statSync(join(dir, SECRET_FILE)).mode & 0o777).toBe(0o600)
  })
})

describe('config', () => {
  it('has the documented defaults', () => {
    const c = accountsConfigSchema.parse({})
    expect(c).toMatchObject({
      accessTokenTtlSec: 900,
      refreshTokenTtlSec: 30 * 86_400,
      argon2: { memoryCost: 19_456, timeCost: 2, parallelism: 1 },
      adminUsernames: [],
    })
    expect(c.jwtSecret).toBeUndefined()
  })

  it('accepts flat string settings from the environment', () => {
    const c = accountsConfigSchema.parse({
      accessTokenTtlSec: '60',
      argon2MemoryCost: '64',
      throttleLoginPerIp: '3',
      adminUsernames: 'Root, ops',
    })
    expect(c.accessTokenTtlSec).toBe(60)
    expect(c.argon2.memoryCost).toBe(64)
    expect(c.argon2.timeCost).toBe(2)
    expect(c.throttle.loginPerIp).toBe(3)
    expect(c.adminUsernames).toEqual(['Root', 'ops'])
  })

  it('refuses short secrets and unknown keys', () => {
    expect(accountsConfigSchema.safeParse({ jwtSecret: 'too-short' }).success).toBe(false)
    expect(accountsConfigSchema.safeParse({ jwtSecrett: 'x'.repeat(40) }).success).toBe(false)
  })
})

describe('passwords', () => {
  it('hashes with argon2id and verifies, also against unknown users', async () => {
    const hasher = await createPasswordHasher({ memoryCost: 64, timeCost: 1, parallelism: 1 })
    const h = await hasher.hash('correct horse')
    expect(h.startsWith('$argon2id$')).toBe(true)
    expect(await hasher.verify(h, 'correct horse')).toBe(true)
    expect(await hasher.verify(h, 'wrong horse')).toBe(false)
    expect(await hasher.verify(null, 'correct horse')).toBe(false)
    expect(await hasher.verify('not a hash', 'x')).toBe(false)
    // NFKC: the composed and decomposed spellings of the same password are one password.
    const accented = await hasher.hash('caf\u00e9-latte')
    expect(await hasher.verify(accented, 'cafe\u0301-latte')).toBe(true)
    expect(hasher.needsRehash(h)).toBe(false)
    const stronger = await createPasswordHasher({ memoryCost: 128, timeCost: 1, parallelism: 1 })
    expect(stronger.needsRehash(h)).toBe(true)
  })
})

describe('access tokens', () => {
  const secret = 's'.repeat(40)
  const user = { id: 'u1', username: 'ann', role: 'player' as const, tokenVersion: 3 }

  it('round-trips claims and expires by the injected clock', async () => {
    const clock = new ManualClock()
    const tokens = await createAccessTokens(secret, 900, clock)
    const token = await tokens.sign(user)
    const claims = await tokens.verify(token)
    expect(claims).toEqual({
      sub: 'u1',
      name: 'ann',
      role: 'player',
      ver: 3,
      iat: clock.now() / 1000,
      exp: clock.now() / 1000 + 900,
    })
    clock.advance(899_000)
    expect(await tokens.verify(token)).not.toBeInstanceOf(Rejection)
    clock.advance(1_000)
    expect(((await tokens.verify(token)) as Rejection).body.code).toBe('auth.token_expired')
  })

  it('rejects forged, tampered and foreign tokens', async () => {
    const clock = new ManualClock()
    const tokens = await createAccessTokens(secret, 900, clock)
    const other = await createAccessTokens('o'.repeat(40), 900, clock)
    const token = await tokens.sign(user)
    const [h, p, s] = token.split('.')
    const payload = JSON.parse(Buffer.from(p as string, 'base64url').toString())
    const escalated = Buffer.from(JSON.stringify({ ...payload, role: 'admin' })).toString('base64url')
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`
    const key = new TextEncoder().encode(secret)
    const now = clock.now() / 1000
    const noIssuer = await new SignJWT({ name: 'x', role: 'admin', ver: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key)
    const badRole = await new SignJWT({ name: 'x', role: 'god', ver: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer('tavern')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key)
    for (const bad of [
      `${h}.${escalated}.${s}`,
      unsigned,
      await other.sign(user),
      noIssuer,
      badRole,
      'garbage',
      '',
      'a.b.c',
    ]) {
      const r = await tokens.verify(bad)
      expect(r).toBeInstanceOf(Rejection)
      expect((r as Rejection).body.code).toBe('auth.token_invalid')
    }
  })

  it('makes opaque refresh tokens stored only as hashes', () => {
    const a = newRefreshToken()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(newRefreshToken()).not.toBe(a)
    expect(hashRefreshToken(a)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashRefreshToken(a)).toBe(hashRefreshToken(a))
  })
})

describe('throttle', () => {
  it('blocks past the limit until the window resets', async () => {
    let now = 1_000_000
    const hot = new MemoryHotStore({ now: () => now })
    const t = new Throttle(hot)
    const limits = [{ key: 'k', limit: 3, windowMs: 60_000 }]
    expect(await t.blocked(limits)).toBeNull()
    expect(await t.hit(limits)).toBeNull()
    expect(await t.hit(limits)).toBeNull()
    expect(await t.hit(limits)).toBeNull()
    expect(await t.blocked(limits)).toBe(60_000)
    now += 45_000
    expect(await t.blocked(limits)).toBe(15_000)
    expect(await t.hit(limits)).toBe(15_000)
    now += 15_000
    expect(await t.blocked(limits)).toBeNull()
    await t.hit(limits)
    await t.clear(['k'])
    expect(await hot.get('accounts:throttle:k')).toBeNull()
    await hot.close()
  })
})

describe('helpers', () => {
  it('orders roles and escapes LIKE patterns', () => {
    expect(roleAtLeast('admin', 'moderator')).toBe(true)
    expect(roleAtLeast('moderator', 'moderator')).toBe(true)
    expect(roleAtLeast('player', 'moderator')).toBe(false)
    expect(likePattern('A_b%c\\')).toBe('%a\\_b\\%c\\\\%')
  })
})
