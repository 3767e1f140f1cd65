import { type MessageDef, publishSchemas } from '@tavern/protocol'
import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'

export interface OpsDeps {
  registry: Registry
  definitions: Readonly<Record<string, MessageDef>>
  ready: () => boolean
  /** Each check resolves when its dependency answers. */
  checks: Record<string, () => Promise<void>>
}

/**
 * `/healthz` (the process is up), `/readyz` (it can serve: started and stores answering), `/metrics`, and
 * `/protocol.json` (JSON Schemas of every realtime message).
 */
export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const results: Record<string, string> = {}
    let ok = deps.ready()
    if (!ok) results.server = 'starting or stopping'
    await Promise.all(
      Object.entries(deps.checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000)
          results[name] = 'ok'
        } catch (err) {
          ok = false
          results[name] = (err as Error).message
        }
      }),
    )
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks: results })
  })
  let schemas: unknown
  app.get('/protocol.json', { schema: { hide: true } }, async () => {
    schemas ??= { protocolVersion: 1, messages: publishSchemas(deps.definitions) }
    return schemas
  })
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', deps.registry.contentType)
    return deps.registry.metrics()
  })
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    p.then(
      (v) => {
        clearTimeout(t)
        resolve(v)
      },
      (e) => {
        clearTimeout(t)
        reject(e)
      },
    )
  })
}
