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
})
