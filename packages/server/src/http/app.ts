import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import {
  createJsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod'
import type { Logger } from 'pino'
import { installErrorHandlers, sendError, toErrorBody } from './errors.ts'

export interface HttpAppOptions {
  logger: Logger
  /** Largest accepted request body in bytes (routes may lower or raise it). Default 64 KiB. */
  bodyLimit?: number
  /** Trust X-Forwarded-For for `request.ip` (behind a reverse proxy). Default false. */
  trustProxy?: boolean
  /** Version shown in the OpenAPI document. */
  version?: string
}

/** The security scheme name REST routes reference with `security: [{ [bearerAuth]: [] }]`. */
export const bearerAuth = 'bearerAuth'

export const DEFAULT_BODY_LIMIT = 64 * 1024

/**
 * Builds the HTTP app: zod validation and serialisation (routes use `app.withTypeProvider<ZodTypeProvider>()`
 * for typed zod schemas), catalog error bodies, the OpenAPI document at `/openapi.json` and
 * interactive docs at `/docs`. Routes registered after this resolves are documented automatically.
 */
export async function createHttpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: opts.trustProxy ?? false,
    // Bodies with `__proto__` or `constructor.prototype` are refused rather than silently cleaned.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    // URLs Fastify cannot decode never reach the error handler; answer them in the catalog's shape too.
    frameworkErrors: (err, _request, reply) => {
      sendError(reply, toErrorBody(err).body)
    },
  })

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  installErrorHandlers(app)

  // Awaited so that swagger's onRoute hook is in place before any module adds routes.
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tavern',
        description:
          'REST API of a Tavern server: accounts and low-frequency actions. Real time goes over the WebSocket ' +
          'endpoint; errors always carry a stable `code` from the error catalog.',
        version: opts.version ?? '0.1.0',
      },
      components: {
        securitySchemes: {
          [bearerAuth]: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'The access token from /api/auth/login, /register or /refresh',
          },
        },
      },
    },
    transform: createJsonSchemaTransform({ skipList: ['/openapi.json', '/docs', '/docs/*'] }),
    transformObject: jsonSchemaTransformObject,
  })
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  return app
}
