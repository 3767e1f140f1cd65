import { readFileSync } from 'node:fs'
import { chatModule } from '@tavern/chat'
import { CloseCode } from '@tavern/protocol'
import { startTestServer } from '@tavern/server/testing'
import { describe, expect, it } from 'vitest'
import { NODE_FLAGS } from '../src/node-flags.ts'
import { collect, connectedClient, until } from './helpers.ts'

describe('operations', () => {
  it('starts with the Node.js flags the benchmarks and process tests use', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      scripts: { start: string }
    }
    expect(pkg.scripts.start).toBe(`node ${NODE_FLAGS.join(' ')} --import tsx apps/server/src/main.ts`)
  })

  it('serves health, readiness, metrics, OpenAPI docs and the protocol schemas', async () => {
    const server = await startTestServer({ modules: [chatModule] })
    try {
      const { client } = await connectedClient(server.url)
      await client.request('chat.send', { channel: 'global', text: 'counted' })
      await expect(client.request('chat.send', { channel: 'global', text: '   ' })).rejects.toMatchObject({
        code: 'chat.empty',
      })

      expect(await fetch(`${server.url}/healthz`).then((r) => r.json())).toEqual({ status: 'ok' })
      const ready = await fetch(`${server.url}/readyz`)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', hot: 'ok' } })

      const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text())
      for (const series of [
        'tavern_ws_connections 1',
        'tavern_ws_messages_in_total{type="chat.send"} 2',
        'tavern_ws_messages_out_total{type="chat.message"}',
        'tavern_errors_total{code="chat.empty"} 1',
        'tavern_db_query_seconds_count',
        'tavern_hot_command_seconds_count',
        'tavern_process_cpu_seconds_total',
      ]) {
        expect(metrics).toContain(series)
      }

      const openapi = (await fetch(`${server.url}/openapi.json`).then((r) => r.json())) as {
        paths: Record<string, unknown>
      }
      expect(Object.keys(openapi.paths)).toEqual(
        expect.arrayContaining(['/api/auth/register', '/api/auth/login']),
      )
      expect((await fetch(`${server.url}/docs`, { redirect: 'follow' })).status).toBe(200)

      const protocol = (await fetch(`${server.url}/protocol.json`).then((r) => r.json())) as {
        messages: Array<{ type: string; kind: string }>
      }
      expect(protocol.messages.find((m) => m.type === 'chat.send')).toMatchObject({ kind: 'request' })
      client.close()
    } finally {
      await server.close()
    }
  })

  it('shuts down gracefully: tells clients, closes with 4010, flushes everything', async () => {
    const server = await startTestServer({
      modules: [chatModule],
      config: { state: { flushIntervalMs: 600_000 } },
    })
    const { client } = await connectedClient(server.url)
    const shutdown = collect(client, 'server.shutdown')
    let closeCode: number | undefined
    client.onState((_s, d) => {
      if (d?.code) closeCode ??= d.code
    })
    await client.request('chat.send', { channel: 'global', text: 'said just before the end' })
    const rows = async () =>
      (
        await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM chat_messages WHERE text = $1`, [
          'said just before the end',
        ])
      )[0]!.n
    expect(await rows()).toBe(0) // still only in the hot store
    await server.stop()
    await until(() => closeCode !== undefined, 3000, 'close')
    expect(shutdown[0]).toMatchObject({ reason: 'shutdown' })
    expect(closeCode).toBe(CloseCode.SERVER_SHUTDOWN)
    expect(await rows()).toBe(1) // the final flush wrote it
    client.close()
    await server.close()
  })
})
