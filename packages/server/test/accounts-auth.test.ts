import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../src/clock.ts'
import type { HotStore } from '../src/hot/types.ts'
import type { Database } from '../src/storage/sql.ts'
import { openTestDatabase, openTestHotStore } from '../src/testing/stack.ts'
import {
  type AccountsHarness,
  call,
  migrateAccounts,
  registerUser,
  startAccounts,
  uniqueName,
} from './accounts-fixtures.ts'

const stacks = [
  { db: 'pglite', hot: 'memory' },
  { db: 'postgres', hot: 'valkey' },
] as const

describe.each(stacks)('accounts on $db + $hot', (stack) => {
  let db: Database
  let hot: HotStore
  let h: AccountsHarness
  const password = 'correct horse battery'

  beforeAll(async () => {
    db = await openTestDatabase(stack.db)
    await migrateAccounts(db)
  })
  afterAll(async () => {
    await db?.close()
  })
  beforeEach(async () => {
    hot = await openTestHotStore(stack.hot)
    h = await startAccounts({ db, hot, clock: new ManualClock() })
  })
  afterEach(async () => {
    await h?.close()
    await hot?.close()
  })

  it('registers, logs in and answers /me', async () => {
    const name = uniqueName('Ann')
    const reg = await call(h.app, 'POST', '/api/auth/register', { body: { username: name, password } })
    expect(reg.statusCode).toBe(201)
    const tokens = reg.json()
    expect(tokens).toMatchObject({ user: { username: name, role: 'player' }, expiresIn: 900 })
    expect(tokens.accessToken.split('.')).toHaveLength(3)
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/)

    const me = await call(h.app, 'GET', '/api/auth/me', { token: tokens.accessToken })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toEqual({
      userId: tokens.user.userId,
      username: name,
      role: 'player',
      createdAt: h.clock.now(),
      mutedUntil: null,
      bannedUntil: null,
    })

    // Usernames match regardless of case; the stored spelling is kept.
    const login = await call(h.app, 'POST', '/api/auth/login', {
      body: { username: name.toUpperCase(), password },
    })
    expect(login.statusCode).toBe(200)
    expect(login.json().user).toEqual(tokens.user)
    expect(login.json().refreshToken).not.toBe(tokens.refreshToken)

    const claims = await h.api.verifyAccessToken(login.json().accessToken)
    expect(claims).toMatchObject({ sub: tokens.user.userId, name, role: 'player', ver: 0 })
    expect(await h.api.getUser(tokens.user.userId)).toMatchObject({ username: name, bannedUntil: null })
    expect((await h.api.findByUsername(name.toLowerCase()))?.userId).toBe(tokens.user.userId)
    expect(await h.api.getUser('nobody')).toBeNull()
  })

  it('refuses duplicate usernames regardless of case, also when racing', async () => {
    const name = uniqueName('Bob')
    await registerUser(h.app, name)
    const dup = await call(h.app, 'POST', '/api/auth/register', {
      body: { username: name.toLowerCase(), password },
    })
    expect(dup.statusCode).toBe(409)
    expect(dup.json()).toMatchObject({ code: 'auth.username_taken', category: 'conflict' })

    const racer = uniqueName('Race')
    const results = await Promise.all(
      [racer, racer.toUpperCase(), racer.toLowerCase()].map((username) =>
        call(h.app, 'POST', '/api/auth/register', { body: { username, password } }),
      ),
    )
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409])
  })

  it('validates usernames and passwords', async () => {
    const bad = [
      { username: 'ab', password },
      { username: 'has space', password },
      { username: 'émile', password },
      { username: 'x'.repeat(33), password },
      { username: uniqueName(), password: 'short' },
      { username: uniqueName(), password: 'p'.repeat(257) },
      { username: uniqueName() },
      { username: 42, password },
    ]
    for (const body of bad) {
      const res = await call(h.app, 'POST', '/api/auth/register', { body })
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('sys.invalid_payload')
      expect(res.json().details.issues.length).toBeGreaterThan(0)
    }
  })

  it('answers wrong passwords and unknown users the same way', async () => {
    const { user } = await registerUser(h.app)
    const wrong = await call(h.app, 'POST', '/api/auth/login', {
      body: { username: user.username, password: 'nope-nope' },
    })
    const unknown = await call(h.app, 'POST', '/api/auth/login', {
      body: { username: uniqueName(), password },
    })
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401)
      expect(res.json()).toEqual({
        code: 'auth.invalid_credentials',
        category: 'permission',
        message: 'Wrong username or password',
      })
    }
  })

  it('rotates refresh tokens and revokes the family when one is reused', async () => {
    const first = await registerUser(h.app)
    const other = (
      await call(h.app, 'POST', '/api/auth/login', { body: { username: first.user.username, password } })
    ).json()

    const r1 = await call(h.app, 'POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } })
    expect(r1.statusCode).toBe(200)
    const second = r1.json()
    expect(second.refreshToken).not.toBe(first.refreshToken)
    expect(second.user).toEqual(first.user)
    expect((await call(h.app, 'GET', '/api/auth/me', { token: second.accessToken })).statusCode).toBe(200)

    const r2 = await call(h.app, 'POST', '/api/auth/refresh', { body: { refreshToken: second.refreshToken } })
    expect(r2.statusCode).toBe(200)
    const third = r2.json()

    // A stolen copy of the first token shows up: the whole family dies, including the newest token.
    const reuse = await call(h.app, 'POST', '/api/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    })
    expect(reuse.statusCode).toBe(401)
    expect(reuse.json().code).toBe('auth.refresh_reused')
    const after = await call(h.app, 'POST', '/api/auth/refresh', {
      body: { refreshToken: third.refreshToken },
    })
    expect(after.statusCode).toBe(401)
    expect(after.json().code).toBe('auth.refresh_invalid')

    // Another login of the same user is another family and is untouched.
    const sibling = await call(h.app, 'POST', '/api/auth/refresh', {
      body: { refreshToken: other.refreshToken },
    })
    expect(sibling.statusCode).toBe(200)

    const unknown = await call(h.app, 'POST', '/api/auth/refresh', { body: { refreshToken: 'x'.repeat(43) } })
    expect(unknown.json().code).toBe('auth.refresh_invalid')
  })

  it('logs out by revoking the family, idempotently', async () => {
    const a = await registerUser(h.app)
    const rotated = (
      await call(h.app, 'POST', '/api/auth/refresh', { body: { refreshToken: a.refreshToken } })
    ).json()
    const out = await call(h.app, 'POST', '/api/auth/logout', {
      body: { refreshToken: rotated.refreshToken },
    })
    expect(out.statusCode).toBe(204)
    expect(out.body).toBe('')
    const again = await call(h.app, 'POST', '/api/auth/logout', {
      body: { refreshToken: rotated.refreshToken },
    })
    expect(again.statusCode).toBe(204)
    const unknown = await call(h.app, 'POST', '/api/auth/logout', { body: { refreshToken: 'never-issued' } })
    expect(unknown.statusCode).toBe(204)
    const refresh = await call(h.app, 'POST', '/api/auth/refresh', {
      body: { refreshToken: rotated.refreshToken },
    })
    expect(refresh.statusCode).toBe(401)
    expect(refresh.json().code).toBe('auth.refresh_invalid')
  })

  it('expires access tokens and refresh tokens by the clock', async () => {
    const a = await registerUser(h.app)
    h.clock.advance(899_000)
    expect((await call(h.app, 'GET', '/api/auth/me', { token: a.accessToken })).statusCode).toBe(200)
    h.clock.advance(1_000)
    const expired = await call(h.app, 'GET', '/api/auth/me', { token: a.accessToken })
    expect(expired.statusCode).toBe(401)
    expect(expired.json().code).toBe('auth.token_expired')
    expect(expired.headers['www-authenticate']).toContain('invalid_token')

    const fresh = (
      await call(h.app, 'POST', '/api/auth/refresh', { body: { refreshToken: a.refreshToken } })
    ).json()
    expect((await call(h.app, 'GET', '/api/auth/me', { token: fresh.accessToken })).statusCode).toBe(200)

    h.clock.advance(30 * 86_400_000)
    const stale = await call(h.app, 'POST', '/api/auth/refresh', {
      body: { refreshToken: fresh.refreshToken },
    })
    expect(stale.statusCode).toBe(401)
    expect(stale.json().code).toBe('auth.refresh_invalid')

    const missing = await call(h.app, 'GET', '/api/auth/me')
    expect(missing.statusCode).toBe(401)
    expect(missing.json().code).toBe('auth.token_missing')
    const garbage = await call(h.app, 'GET', '/api/auth/me', { token: 'not.a.jwt' })
    expect(garbage.json().code).toBe('auth.token_invalid')
  })
})
