import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { PERMANENT_BAN } from '../src/accounts/api.ts'
import { accountsModule } from '../src/accounts/module.ts'
import { ManualClock } from '../src/clock.ts'
import type { HotStore } from '../src/hot/types.ts'
import type { Rejection } from '../src/module.ts'
import type { Database } from '../src/storage/sql.ts'
import { openTestDatabase, openTestHotStore } from '../src/testing/stack.ts'
import {
  type AccountsHarness,
  call,
  migrateAccounts,
  registerUser,
  startAccounts,
  type Tokens,
  testAccountsSettings,
  uniqueName,
} from './accounts-fixtures.ts'

const stacks = [
  { db: 'pglite', hot: 'memory' },
  { db: 'postgres', hot: 'valkey' },
] as const

const HOUR = 3_600_000

describe.each(stacks)('moderation on $db + $hot', (stack) => {
  let db: Database
  let hot: HotStore
  let h: AccountsHarness
  let admin: Tokens
  let player: Tokens
  const password = 'correct horse battery'

  const act = (path: string, token: string, body?: unknown) =>
    call(h.app, 'POST', `/api/admin/users/${path}`, { token, body })

  beforeAll(async () => {
    db = await openTestDatabase(stack.db)
    await migrateAccounts(db)
  })
  afterAll(async () => {
    await db?.close()
  })
  beforeEach(async () => {
    hot = await openTestHotStore(stack.hot)
    const adminName = uniqueName('Boss')
    h = await startAccounts({
      db,
      hot,
      clock: new ManualClock(),
      settings: { adminUsernames: [adminName.toLowerCase()] },
    })
    admin = await registerUser(h.app, adminName)
    player = await registerUser(h.app)
  })
  afterEach(async () => {
    await h?.close()
    await hot?.close()
  })

  it('gives configured usernames the admin role', () => {
    expect(admin.user.role).toBe('admin')
    expect(player.user.role).toBe('player')
  })

  it('bans permanently: tokens die, sessions close, login and refresh refuse', async () => {
    const res = await act(`${player.user.userId}/ban`, admin.accessToken, { reason: 'cheating' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      userId: player.user.userId,
      bannedUntil: PERMANENT_BAN,
      banReason: 'cheating',
    })
    expect(h.sessions.disconnected).toEqual([{ userId: player.user.userId, reason: 'banned' }])

    const me = await call(h.app, 'GET', '/api/auth/me', { token: player.accessToken })
    expect(me.statusCode).toBe(403)
    expect(me.json()).toMatchObject({ code: 'auth.banned', details: { until: null, reason: 'cheating' } })
    const verified = await h.api.verifyAccessToken(player.accessToken)
    expect((verified as Rejection).body.code).toBe('auth.banned')

    const login = await call(h.app, 'POST', '/api/auth/login', {
      body: { username: player.user.username, password },
    })
    expect(login.statusCode).toBe(403)
    expect(login.json().code).toBe('auth.banned')
    expect(login.json().details).toHaveProperty('until', null)
    const refresh = await call(h.app, 'POST', '/api/auth/refresh', {
      body: { refreshToken: player.refreshToken },
    })
    expect(refresh.statusCode).toBe(403)
    expect(refresh.json().code).toBe('auth.banned')

    // Lifting the ban lets them log in again; tokens from before the ban stay dead.
    expect((await act(`${player.user.userId}/unban`, admin.accessToken)).json().bannedUntil).toBeNull()
    const back = await call(h.app, 'POST', '/api/auth/login', {
      body: { username: player.user.username, password },
    })
    expect(back.statusCode).toBe(200)
    expect((await call(h.app, 'GET', '/api/auth/me', { token: back.json().accessToken })).statusCode).toBe(
      200,
    )
    const old = await call(h.app, 'GET', '/api/auth/me', { token: player.accessToken })
    expect(old.statusCode).toBe(401)
    expect(old.json().code).toBe('auth.token_expired')
    const oldRefresh = await call(h.app, 'POST', '/api/auth/refresh', {
      body: { refreshToken: player.refreshToken },
    })
    expect(oldRefresh.json().code).toBe('auth.refresh_invalid')
  })

  it('suspends until a time, with the wait in retryAfterMs and Retry-After', async () => {
    // The admin's own access token expires before the suspension ends, so the refusal of a past instant comes first.
    const past = await act(`${player.user.userId}/ban`, admin.accessToken, {
      until: h.clock.now() - 1,
      reason: 'x',
    })
    expect(past.statusCode).toBe(400)
    expect(past.json().code).toBe('sys.invalid_payload')
    const until = h.clock.now() + HOUR
    const res = await act(`${player.user.userId}/ban`, admin.accessToken, { until, reason: 'spam' })
    expect(res.json().bannedUntil).toBe(until)
    h.clock.advance(60_000)
    const login = await call(h.app, 'POST', '/api/auth/login', {
      body: { username: player.user.username, password },
    })
    expect(login.statusCode).toBe(403)
    expect(login.json()).toMatchObject({
      code: 'auth.suspended',
      retryAfterMs: HOUR - 60_000,
      details: { until, reason: 'spam' },
    })
    expect(login.headers['retry-after']).toBe(String((HOUR - 60_000) / 1000))
    h.clock.advance(HOUR)
    const later = await call(h.app, 'POST', '/api/auth/login', {
      body: { username: player.user.username, password },
    })
    expect(later.statusCode).toBe(200)
    expect((await h.api.getUser(player.user.userId))?.bannedUntil).toBeNull()
  })

  it('mutes and unmutes; mutes run out by the clock', async () => {
    const modName = uniqueName('Mod')
    const mod = await registerUser(h.app, modName)
    const promoted = await act(`${mod.user.userId}/role`, admin.accessToken, { role: 'moderator' })
    expect(promoted.json().role).toBe('moderator')
    // The role change ended the moderator's sessions (none can keep the old role) and bumped the token version:
    // the moderator refreshes to carry the new role.
    expect(h.sessions.disconnected).toEqual([{ userId: mod.user.userId, reason: 'role_changed' }])
    const stale = await call(h.app, 'GET', '/api/admin/users', { token: mod.accessToken })
    expect(stale.json().code).toBe('auth.token_expired')
    const modTokens = (
      await call(h.app, 'POST', '/api/auth/refresh', { body: { refreshToken: mod.refreshToken } })
    ).json()
    expect(modTokens.user.role).toBe('moderator')

    const until = h.clock.now() + 10 * 60_000
    const muted = await act(`${player.user.userId}/mute`, modTokens.accessToken, { until, reason: 'rude' })
    expect(muted.statusCode).toBe(200)
    expect(muted.json()).toMatchObject({ mutedUntil: until, muteReason: 'rude' })
    expect(await h.api.isMuted(player.user.userId)).toBe(until)
    const me = await call(h.app, 'GET', '/api/auth/me', { token: player.accessToken })
    expect(me.json().mutedUntil).toBe(until)
    // A mute does not end sessions.
    expect(h.sessions.disconnected.map((d) => d.userId)).not.toContain(player.user.userId)

    expect((await act(`${player.user.userId}/unmute`, modTokens.accessToken)).json().mutedUntil).toBeNull()
    expect(await h.api.isMuted(player.user.userId)).toBeNull()

    await act(`${player.user.userId}/mute`, modTokens.accessToken, { until, reason: 'again' })
    h.clock.advance(10 * 60_000)
    expect(await h.api.isMuted(player.user.userId)).toBeNull()
    expect(await h.api.isMuted('nobody')).toBeNull()

    const log = await db.query<{ action: string }>(
      'SELECT action FROM moderation_log WHERE target_id = $1 ORDER BY at, action',
      [player.user.userId],
    )
    expect(log.map((r) => r.action).sort()).toEqual(['mute', 'mute', 'unmute'])
  })

  it('checks roles on admin routes', async () => {
    const target = player.user.userId
    const modName = uniqueName('Mod')
    const mod = await registerUser(h.app, modName)
    await act(`${mod.user.userId}/role`, admin.accessToken, { role: 'moderator' })
    const modToken = (
      await call(h.app, 'POST', '/api/auth/refresh', { body: { refreshToken: mod.refreshToken } })
    ).json().accessToken as string
    const until = h.clock.now() + HOUR

    const cases: Array<[string, string | undefined, unknown, number, string]> = [
      [`${target}/ban`, undefined, { reason: 'x' }, 401, 'auth.token_missing'],
      [`${target}/ban`, player.accessToken, { reason: 'x' }, 403, 'auth.forbidden'],
      [`${target}/ban`, modToken, { reason: 'x' }, 403, 'auth.forbidden'],
      [`${target}/role`, modToken, { role: 'admin' }, 403, 'auth.forbidden'],
      [`${target}/unban`, modToken, undefined, 403, 'auth.forbidden'],
      [`${target}/mute`, player.accessToken, { until, reason: 'x' }, 403, 'auth.forbidden'],
      // Moderators act only on lower roles; nobody acts on themselves.
      [`${admin.user.userId}/mute`, modToken, { until, reason: 'x' }, 403, 'auth.forbidden'],
      [`${admin.user.userId}/ban`, admin.accessToken, { reason: 'x' }, 403, 'auth.forbidden'],
      [`${admin.user.userId}/role`, admin.accessToken, { role: 'player' }, 403, 'auth.forbidden'],
      ['no-such-user/ban', admin.accessToken, { reason: 'x' }, 404, 'auth.user_not_found'],
      [`${target}/ban`, admin.accessToken, { reason: '' }, 400, 'sys.invalid_payload'],
      [`${target}/role`, admin.accessToken, { role: 'god' }, 400, 'sys.invalid_payload'],
      [`${target}/mute`, modToken, { reason: 'no until' }, 400, 'sys.invalid_payload'],
    ]
    for (const [path, token, body, status, code] of cases) {
      const res = await act(path, token ?? '', body)
      expect({ path, status: res.statusCode, code: res.json().code }).toEqual({ path, status, code })
    }
    expect((await call(h.app, 'GET', '/api/admin/users', { token: player.accessToken })).statusCode).toBe(403)
    expect((await act(`${target}/mute`, modToken, { until, reason: 'ok' })).statusCode).toBe(200)
    // Only the promotion ended sessions; no refused action did.
    expect(h.sessions.disconnected).toEqual([{ userId: mod.user.userId, reason: 'role_changed' }])
  })

  it('searches users by name for moderators, escaping wildcards', async () => {
    const stem = uniqueName('Zed')
    const a = await registerUser(h.app, `${stem}_one`)
    await registerUser(h.app, `${stem}xone`)
    const res = await call(
      h.app,
      'GET',
      `/api/admin/users?query=${encodeURIComponent(`${stem.toUpperCase()}_`)}`,
      {
        token: admin.accessToken,
      },
    )
    expect(res.statusCode).toBe(200)
    expect(res.json().users.map((u: { userId: string }) => u.userId)).toEqual([a.user.userId])
    expect(res.json().users[0]).toMatchObject({ username: `${stem}_one`, role: 'player', bannedUntil: null })
    expect(JSON.stringify(res.json())).not.toContain('argon2')

    const recent = await call(h.app, 'GET', '/api/admin/users?limit=2', { token: admin.accessToken })
    expect(recent.json().users).toHaveLength(2)
    const bad = await call(h.app, 'GET', '/api/admin/users?limit=1000', { token: admin.accessToken })
    expect(bad.json().code).toBe('sys.invalid_payload')
  })

  it('promotes configured admins that registered before the setting', async () => {
    const late = await registerUser(h.app, uniqueName('Late'))
    const ctx = { ...h.ctx, config: { ...h.ctx.config, adminUsernames: [late.user.username.toUpperCase()] } }
    await accountsModule.onReady?.(ctx, h.api)
    expect((await h.api.getUser(late.user.userId))?.role).toBe('admin')
    const old = await call(h.app, 'GET', '/api/auth/me', { token: late.accessToken })
    expect(old.json().code).toBe('auth.token_expired')
  })

  it('throttles failed logins per username+address and per address', async () => {
    const t = await startAccounts({
      db,
      hot,
      clock: h.clock,
      settings: {
        throttle: { ...testAccountsSettings.throttle, loginPerUserIp: 3, loginPerIp: 5, loginWindowSec: 60 },
      },
    })
    try {
      const name = player.user.username
      const login = (pw: string, ip: string, username = name) =>
        call(t.app, 'POST', '/api/auth/login', { body: { username, password: pw }, ip })
      for (let i = 0; i < 3; i++) expect((await login('wrong-password', '10.1.1.1')).statusCode).toBe(401)
      const blocked = await login(password, '10.1.1.1')
      expect(blocked.statusCode).toBe(429)
      expect(blocked.json()).toMatchObject({
        code: 'auth.too_many_attempts',
        category: 'rate_limit',
        operation: 'login',
      })
      expect(blocked.json().retryAfterMs).toBeGreaterThan(0)
      expect(blocked.json().retryAfterMs).toBeLessThanOrEqual(60_000)
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60)
      // Another address is not blocked for this name, and a good login clears its own counter.
      expect((await login(password, '10.1.1.2')).statusCode).toBe(200)

      // Per address: spraying many names from one address trips the address limit.
      for (let i = 0; i < 2; i++)
        expect((await login('wrong', '10.1.1.1', uniqueName())).statusCode).toBe(401)
      const sprayed = await login('wrong', '10.1.1.1', uniqueName())
      expect(sprayed.statusCode).toBe(429)
    } finally {
      await t.close()
    }
  })

  it('throttles registrations per address', async () => {
    const t = await startAccounts({ db, hot, clock: h.clock, settings: { throttle: { registerPerIp: 2 } } })
    try {
      const reg = (ip: string) =>
        call(t.app, 'POST', '/api/auth/register', { body: { username: uniqueName(), password }, ip })
      expect((await reg('10.2.2.2')).statusCode).toBe(201)
      expect((await reg('10.2.2.2')).statusCode).toBe(201)
      const third = await reg('10.2.2.2')
      expect(third.statusCode).toBe(429)
      expect(third.json()).toMatchObject({ code: 'auth.too_many_attempts', operation: 'register' })
      expect(third.headers['retry-after']).toBeDefined()
      expect((await reg('10.2.2.3')).statusCode).toBe(201)
    } finally {
      await t.close()
    }
  })
})
