import { TavernError } from '@tavern/protocol'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Claims } from '../src/accounts/api.ts'
import { bearerAuth, createHttpApp } from '../src/http/app.ts'
import { bearerToken, currentUser, requireUser } from '../src/http/auth-guard.ts'
import { errorResponses } from '../src/http/errors.ts'
import { reject } from '../src/module.ts'

const logs: string[] = []
const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) })

const claims: Claims = { sub: 'u1', name: 'ann', role: 'moderator', ver: 0, iat: 0, exp: 0 }
const verifier = {
  verifyAccessToken: async (token: string) =>
    token === 'good' ? claims : token === 'banned' ? reject('auth.banned') : reject('auth.token_invalid'),
}

let app: FastifyInstance

beforeAll(async () => {
  app = await createHttpApp({ logger, bodyLimit: 1024 })
  const z$ = app.withTypeProvider<ZodTypeProvider>()
  z$.post(
    '/echo',
    {
      schema: {
        tags: ['test'],
        summary: 'Echoes a name',
        body: z.object({ name: z.string().min(2), age: z.number().int().optional() }),
        response: { 200: z.object({ name: z.string() }), ...errorResponses(400) },
      },
    },
    async (req) => ({ name: req.body.name }),
  )
  z$.get('/limited', async () => {
    throw TavernError.of('sys.rate_limited', { retryAfterMs: 1500, operation: 'limited' })
  })
  z$.get('/plugin-limited', async (_req, reply) => {
    reply.header('retry-after', '7')
    throw Object.assign(new Error('Rate limit exceeded, retry in 7 seconds'), { statusCode: 429 })
  })
  z$.get('/rejected', async () => {
    throw reject('auth.username_taken')
  })
  z$.get('/boom', async () => {
    throw new Error('secret database password in this message')
  })
  z$.get('/sync-boom', () => {
    throw new TypeError('internal detail')
  })
  z$.get(
    '/mods',
    { preHandler: requireUser(verifier, 'moderator'), schema: { security: [{ [bearerAuth]: [] }] } },
    async (req) => ({ user: currentUser(req).name }),
  )
  z$.get('/admins', { preHandler: requireUser(verifier, 'admin') }, async () => ({ ok: true }))
  await app.ready()
})

afterAll(async () => {
  await app.close()
})

const post = (payload: string | Buffer, contentType = 'application/json') =>
  app.inject({ method: 'POST', url: '/echo', payload, headers: { 'content-type': contentType } })

describe('http app', () => {
  it('validates bodies with zod and serialises replies', async () => {
    const ok = await post(JSON.stringify({ name: 'ann', extra: 1 }))
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ name: 'ann' })

    const bad = await post(JSON.stringify({ name: 'a', age: 'x' }))
    expect(bad.statusCode).toBe(400)
    const body = bad.json()
    expect(body.code).toBe('sys.invalid_payload')
    expect(body.category).toBe('validation')
    expect(body.details.in).toBe('body')
    expect(body.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['/age', '/name'])
  })

  it('answers hostile bodies with catalog errors, never a crash', async () => {
    const cases: Array<[string | Buffer, string, number, string]> = [
      ['{"name": "ann"', 'application/json', 400, 'sys.invalid_payload'],
      ['', 'application/json', 400, 'sys.invalid_payload'],
      ['null', 'application/json', 400, 'sys.invalid_payload'],
      ['[1,2,3]', 'application/json', 400, 'sys.invalid_payload'],
      ['"just a string"', 'application/json', 400, 'sys.invalid_payload'],
      ['{"name": "ann", "__proto__": {"admin": true}}', 'application/json', 400, 'sys.invalid_payload'],
      [
        '{"name": "ann", "constructor": {"prototype": {"x": 1}}}',
        'application/json',
        400,
        'sys.invalid_payload',
      ],
      ['name=ann', 'application/x-www-form-urlencoded', 415, 'http.unsupported_media_type'],
      ['<xml/>', 'application/xml', 415, 'http.unsupported_media_type'],
      [JSON.stringify({ name: 'x'.repeat(5000) }), 'application/json', 413, 'sys.payload_too_large'],
      [Buffer.from([0xff, 0xfe, 0x00, 0x7b]), 'application/json', 400, 'sys.invalid_payload'],
    ]
    for (const [payload, type, status, code] of cases) {
      const res = await post(payload, type)
      expect({
        payload: String(payload).slice(0, 40),
        status: res.statusCode,
        code: res.json().code,
      }).toEqual({
        payload: String(payload).slice(0, 40),
        status,
        code,
      })
    }
  })

  it('survives deep nesting within the body limit', async () => {
    const big = await createHttpApp({ logger: pino({ level: 'silent' }), bodyLimit: 4 * 1024 * 1024 })
    big
      .withTypeProvider<ZodTypeProvider>()
      .post('/deep', { schema: { body: z.object({ a: z.unknown() }) } }, async () => ({ ok: true }))
    await big.ready()
    const depth = 500_000
    const deep = `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`
    const res = await big.inject({
      method: 'POST',
      url: '/deep',
      payload: deep,
      headers: { 'content-type': 'application/json' },
    })
    expect([200, 400]).toContain(res.statusCode)
    const deepObj = `{"a":${'{"b":'.repeat(100_000)}1${'}'.repeat(100_000)}}`
    const res2 = await big.inject({
      method: 'POST',
      url: '/deep',
      payload: deepObj,
      headers: { 'content-type': 'application/json' },
    })
    expect([200, 400]).toContain(res2.statusCode)
    await big.close()
  })

  it('rejects an oversized body announced by content-length', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'y'.repeat(2000) }),
    })
    expect(res.statusCode).toBe(413)
    expect(res.json()).toMatchObject({ code: 'sys.payload_too_large', category: 'validation' })
  })

  it('maps thrown errors and rejections to catalog bodies with Retry-After', async () => {
    const limited = await app.inject({ method: 'GET', url: '/limited' })
    expect(limited.statusCode).toBe(429)
    expect(limited.headers['retry-after']).toBe('2')
    expect(limited.json()).toMatchObject({
      code: 'sys.rate_limited',
      retryAfterMs: 1500,
      operation: 'limited',
    })

    const plugin = await app.inject({ method: 'GET', url: '/plugin-limited' })
    expect(plugin.statusCode).toBe(429)
    expect(plugin.headers['retry-after']).toBe('7')
    expect(plugin.json()).toMatchObject({ code: 'sys.rate_limited', retryAfterMs: 7000 })

    const rejected = await app.inject({ method: 'GET', url: '/rejected' })
    expect(rejected.statusCode).toBe(409)
    expect(rejected.json().code).toBe('auth.username_taken')
  })

  it('hides internal errors and logs them', async () => {
    for (const url of ['/boom', '/sync-boom']) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode).toBe(500)
      expect(res.json()).toEqual({ code: 'sys.internal', category: 'system', message: 'Internal error' })
      expect(res.body).not.toContain('secret')
      expect(res.body).not.toContain('internal detail')
    }
    expect(logs.some((l) => l.includes('secret database password') && l.includes('"level":50'))).toBe(true)
  })

  it('answers unknown routes and methods with sys.route_not_found', async () => {
    for (const [method, url] of [
      ['GET', '/nope'],
      ['DELETE', '/echo'],
      ['GET', '/echo'],
    ] as const) {
      const res = await app.inject({ method, url })
      expect(res.statusCode).toBe(404)
      expect(res.json()).toMatchObject({ code: 'sys.route_not_found', category: 'not_found' })
    }
    const badUrl = await app.inject({ method: 'GET', url: '/%E0%A4%A' })
    expect(badUrl.statusCode).toBe(400)
    expect(badUrl.json().code).toBe('sys.invalid_payload')
  })

  it('guards routes with bearer tokens and roles', async () => {
    const none = await app.inject({ method: 'GET', url: '/mods' })
    expect(none.statusCode).toBe(401)
    expect(none.json().code).toBe('auth.token_missing')
    expect(none.headers['www-authenticate']).toBe('Bearer')

    const bad = await app.inject({ method: 'GET', url: '/mods', headers: { authorization: 'Bearer nope' } })
    expect(bad.statusCode).toBe(401)
    expect(bad.json().code).toBe('auth.token_invalid')

    const banned = await app.inject({
      method: 'GET',
      url: '/mods',
      headers: { authorization: 'Bearer banned' },
    })
    expect(banned.statusCode).toBe(403)
    expect(banned.json().code).toBe('auth.banned')

    const ok = await app.inject({ method: 'GET', url: '/mods', headers: { authorization: 'bearer good' } })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ user: 'ann' })

    const forbidden = await app.inject({
      method: 'GET',
      url: '/admins',
      headers: { authorization: 'Bearer good' },
    })
    expect(forbidden.statusCode).toBe(403)
    expect(forbidden.json().code).toBe('auth.forbidden')
  })

  it('parses bearer headers strictly', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def')
    expect(bearerToken('bearer  abc ')).toBe('abc')
    expect(bearerToken('Basic abc')).toBeNull()
    expect(bearerToken('Bearer a b')).toBeNull()
    expect(bearerToken('Bearer')).toBeNull()
    expect(bearerToken(undefined)).toBeNull()
  })

  it('publishes an OpenAPI document and interactive docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' })
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toMatch(/^3\./)
    expect(doc.info.title).toBe('Tavern')
    expect(doc.components.securitySchemes[bearerAuth]).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(doc.paths['/echo'].post.summary).toBe('Echoes a name')
    expect(
      doc.paths['/echo'].post.requestBody.content['application/json'].schema.properties.name,
    ).toBeDefined()
    expect(doc.paths['/mods'].get.security).toEqual([{ [bearerAuth]: [] }])
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/docs') || p === '/openapi.json')).toBe(false)

    const docs = await app.inject({ method: 'GET', url: '/docs' })
    const html =
      docs.statusCode === 302
        ? await app.inject({ method: 'GET', url: docs.headers.location as string })
        : docs
    expect(html.statusCode).toBe(200)
    expect(html.headers['content-type']).toContain('text/html')
    expect(html.body).toContain('swagger')
  })
})
