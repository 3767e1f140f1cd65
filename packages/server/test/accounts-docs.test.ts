import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET_FILE } from '../src/accounts/secret.ts'
import { pruneRefreshTokens } from '../src/accounts/service.ts'
import { ManualClock } from '../src/clock.ts'
import type { HotStore } from '../src/hot/types.ts'
import { Rejection } from '../src/module.ts'
import type { Database } from '../src/storage/sql.ts'
import { openTestDatabase, openTestHotStore } from '../src/testing/stack.ts'
import { call, migrateAccounts, registerUser, startAccounts } from './accounts-fixtures.ts'

let db: Database
let hot: HotStore
const dataDir = mkdtempSync(join(tmpdir(), 'tavern-accounts-data-'))

beforeAll(async () => {
  db = await openTestDatabase('pglite')
  await migrateAccounts(db)
  hot = await openTestHotStore('memory')
})
afterAll(async () => {
  await hot?.close()
  await db?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('accounts documentation', () => {
  it('lists every route in /openapi.json with schemas that resolve, and serves /docs', async () => {
    const h = await startAccounts({ db, hot })
    try {
      const res = await call(h.app, 'GET', '/openapi.json')
      expect(res.statusCode).toBe(200)
      const doc = res.json()
      const ops: string[] = []
      for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        for (const m of Object.keys(methods)) ops.push(`${m.toUpperCase()} ${path}`)
      }
      expect(ops.sort()).toEqual(
        [
          'POST /api/auth/register',
          'POST /api/auth/login',
          'POST /api/auth/refresh',
          'POST /api/auth/logout',
          'GET /api/auth/me',
          'GET /api/admin/users',
          'POST /api/admin/users/{userId}/ban',
          'POST /api/admin/users/{userId}/unban',
          'POST /api/admin/users/{userId}/mute',
          'POST /api/admin/users/{userId}/unmute',
          'POST /api/admin/users/{userId}/role',
        ].sort(),
      )
      const register = doc.paths['/api/auth/register'].post
      expect(register.tags).toEqual(['auth'])
      expect(register.summary).toBeTruthy()
      expect(
        register.requestBody.content['application/json'].schema.properties.username.pattern,
      ).toBeDefined()
      expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '429']))
      expect(doc.paths['/api/auth/me'].get.security).toEqual([{ bearerAuth: [] }])
      expect(doc.paths['/api/admin/users/{userId}/ban'].post.parameters[0]).toMatchObject({
        in: 'path',
        name: 'userId',
      })

      // Every $ref points at a schema the document defines.
      const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []
      expect(refs.length).toBeGreaterThan(0)
      for (const ref of refs) {
        const name = ref.slice('"$ref":"#/components/schemas/'.length, -1)
        expect(doc.components.schemas[name], ref).toBeDefined()
      }

      const docs = await call(h.app, 'GET', '/docs')
      const page = docs.statusCode === 302 ? await call(h.app, 'GET', docs.headers.location as string) : docs
      expect(page.statusCode).toBe(200)
      expect(page.headers['content-type']).toContain('text/html')
    } finally {
      await h.close()
    }
  })
})

describe('token secret', () => {
  it('is generated once in the data directory and keeps tokens valid across restarts', async () => {
    const first = await startAccounts({ db, hot, dataDir })
    const tokens = await registerUser(first.app)
    await first.close()
    const path = join(dataDir, SECRET_FILE)
    expect(existsSync(path)).toBe(true)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    const mtime = statSync(path).mtimeMs

    const second = await startAccounts({ db, hot, dataDir })
    try {
      expect(await second.api.verifyAccessToken(tokens.accessToken)).not.toBeInstanceOf(Rejection)
      expect(statSync(path).mtimeMs).toBe(mtime)
    } finally {
      await second.close()
    }

    // A configured secret wins over the file: tokens signed with the file's secret no longer verify.
    const third = await startAccounts({ db, hot, dataDir, settings: { jwtSecret: 'c'.repeat(48) } })
    try {
      const r = await third.api.verifyAccessToken(tokens.accessToken)
      expect((r as Rejection).body.code).toBe('auth.token_invalid')
    } finally {
      await third.close()
    }
  })
})

describe('refresh token pruning', () => {
  it('deletes expired refresh tokens only', async () => {
    const clock = new ManualClock(1_800_000_000_000)
    const h = await startAccounts({ db, hot, clock })
    try {
      const a = await registerUser(h.app)
      clock.advance(31 * 86_400_000)
      const b = await registerUser(h.app)
      expect(await pruneRefreshTokens({ sql: db, clock })).toBeGreaterThanOrEqual(1)
      const left = await db.query<{ user_id: string }>(
        'SELECT user_id FROM refresh_tokens WHERE user_id IN ($1, $2)',
        [a.user.userId, b.user.userId],
      )
      expect(left.map((r) => r.user_id)).toEqual([b.user.userId])
    } finally {
      await h.close()
    }
  })
})
