import { get } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { startTestServer, type TestServer } from '@tavern/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtinModules } from '../../server/src/app.ts'
import { ensureBuilt } from './browser.ts'

describe('the server serves the browser client', () => {
  let server: TestServer
  beforeAll(async () => {
    ensureBuilt()
    server = await startTestServer({ modules: Object.values(builtinModules) })
  }, 120_000)
  afterAll(() => server?.close())

  it('answers / and the client routes with the app, and keeps the API, docs, metrics and 404s', async () => {
    // Bodies are always read: an unread one keeps its connection busy and the server waits for it on close.
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`)
      const body = await res.text()
      return { status: res.status, type: res.headers.get('content-type') ?? '', body }
    }
    for (const path of ['/', '/table', '/world']) {
      const res = await get(path)
      expect(res.status, path).toBe(200)
      expect(res.type).toMatch(/text\/html/)
      expect(res.body).toContain('<div id="root">')
    }
    const html = (await get('/')).body
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!
    const js = await get(script)
    expect(js.status).toBe(200)
    expect(js.type).toMatch(/javascript/)
    // The production build, even when the test runner (NODE_ENV=test) built it: no development-only warnings.
    expect(js.body).not.toContain('should have a unique "key" prop')

    expect((await get('/docs/')).status).toBe(200)
    expect((await get('/metrics')).status).toBe(200)
    expect((await get('/openapi.json')).status).toBe(200)
    const missing = await get('/no/such/page')
    expect(missing.status).toBe(404)
    expect(JSON.parse(missing.body)).toMatchObject({ code: 'sys.route_not_found' })
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nobody-here', password: 'wrong password' }),
    })
    expect(login.status).toBe(401)
    await login.text()
  })

  it('sends the client compressed to browsers that accept it, and lets them cache its hashed files for good', async () => {
    const html = await (await fetch(`${server.url}/`)).text()
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!
    const raw = async (path: string, acceptEncoding: string) => {
      // node:http, not fetch: fetch would decode the body and hide what went over the wire.
      const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) =>
        get(`${server.url}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, resolve).on(
          'error',
          reject,
        ),
      )
      const chunks: Buffer[] = []
      for await (const c of res) chunks.push(c as Buffer)
      return { headers: res.headers, body: Buffer.concat(chunks) }
    }
    const plain = await raw(script, 'identity')
    expect(plain.headers['content-encoding']).toBeUndefined()
    const br = await raw(script, 'gzip, deflate, br')
    expect(br.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true)
    const gz = await raw(script, 'gzip')
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true)
    // A shared cache must keep the encodings apart; a third of the bytes (or less) cross the wire.
    expect(br.headers.vary).toMatch(/accept-encoding/i)
    expect(br.body.length).toBeLessThan(plain.body.length / 3)
    expect(br.headers['content-type']).toMatch(/javascript/)
    // Hashed files never change; the page naming them is revalidated on every load, under every route.
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    for (const path of ['/', '/world']) {
      const page = await raw(path, 'br')
      expect(page.headers['cache-control'], path).toBe('no-cache')
      expect(brotliDecompressSync(page.body).toString(), path).toContain('<div id="root">')
    }
  })
})
