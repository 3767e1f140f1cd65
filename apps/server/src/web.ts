import { existsSync } from 'node:fs'
import { dirname, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import { defineModule } from '@tavern/server'
import { z } from 'zod'

/** Where `npm run build -w @tavern/web` puts the browser client. */
export const defaultWebDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist')

const webConfig = z.object({
  /** Folder of the built browser client (default: apps/web/dist). `TAVERN_WEB_DIR`. */
  dir: z.string().default(defaultWebDir),
})
type WebConfig = z.output<typeof webConfig>

/** Client-side routes of the single-page app: each answers with index.html so a reload keeps the page. */
const appRoutes = ['/table', '/table/:code', '/world']

/**
 * Serves the browser client at `/` from its built folder. Only files present at boot get routes (no wildcard),
 * so the API, `/ws`, `/docs` and `/metrics` keep their own handlers and unknown paths keep the catalog's 404.
 */
export const webModule = defineModule<WebConfig>({
  name: 'web',
  config: webConfig as z.ZodType<WebConfig>,
  routes: async (app, ctx) => {
    const dir = resolve(ctx.config.dir)
    if (!existsSync(resolve(dir, 'index.html'))) {
      ctx.log.warn({ dir }, 'no built browser client here: run `npm run build -w @tavern/web`')
      return
    }
    await app.register(fastifyStatic, {
      root: dir,
      wildcard: false,
      index: ['index.html'],
      // The build writes .br and .gz beside its text files: sent to browsers that accept them.
      preCompressed: true,
      setHeaders: (reply, path) => {
        // Files under assets/ are named by their content's hash: a new build is new names, so they never change.
        // The page that names them is checked every time, so a new build reaches players on their next load.
        reply.header(
          'cache-control',
          path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        )
      },
    })
    for (const url of appRoutes)
      app.get(url, { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'))
  },
})
