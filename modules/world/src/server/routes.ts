import { readFile, realpath } from 'node:fs/promises'
import path from 'node:path'
import { TavernError, worldMapInfo } from '@tavern/protocol'
import { errorResponses, type ModuleContext, requireUser } from '@tavern/server'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { appearanceOptions } from './actions.ts'
import type { WorldConfig } from './config.ts'
import type { WorldService } from './service.ts'

const security = [{ bearerAuth: [] }]
const tags = ['world']
const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.json': 'application/json',
  '.tsj': 'application/json',
  '.tmj': 'application/json',
  '.tsx': 'application/xml',
  '.tmx': 'application/xml',
}
const fileParams = z.object({ '*': z.string().min(1).max(256) })

const mapDetail = worldMapInfo.extend({
  tilesets: z.array(
    z.object({
      name: z.string(),
      firstGid: z.number().int(),
      tileWidth: z.number().int(),
      tileHeight: z.number().int(),
      tileCount: z.number().int(),
      columns: z.number().int(),
      margin: z.number().int(),
      spacing: z.number().int(),
      source: z.string().nullable(),
      image: z.string().nullable(),
    }),
  ),
  layers: z.array(z.string()),
  spawns: z.array(z.object({ name: z.string(), x: z.number().int(), y: z.number().int() })),
  portals: z.array(
    z.object({
      name: z.string(),
      x: z.number().int(),
      y: z.number().int(),
      width: z.number().int(),
      height: z.number().int(),
      targetMap: z.string(),
    }),
  ),
})

/**
 * Reads a file under `<root>/<dir>/` of the first content root that has it. Anything that would leave that
 * folder (`..`, absolute paths, symlinks pointing out) is not found.
 */
async function serve(w: WorldService, reply: FastifyReply, dir: string, rel: string): Promise<unknown> {
  const type = TYPES[path.extname(rel).toLowerCase()]
  if (!type || rel.includes('\0') || path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..'))
    throw TavernError.of('sys.route_not_found')
  for (const root of w.loaded.roots) {
    const base = path.resolve(root, dir)
    const file = path.resolve(base, rel)
    if (!file.startsWith(base + path.sep)) continue
    try {
      const real = await realpath(file)
      const realBase = await realpath(base)
      if (!real.startsWith(realBase + path.sep)) continue
      const body = await readFile(real)
      return reply.header('content-type', type).header('cache-control', 'public, max-age=300').send(body)
    } catch {
      // Not in this root; try the next.
    }
  }
  throw TavernError.of('sys.route_not_found')
}

/** An asset URL for a path relative to a content root. */
const assetUrl = (rel: string | undefined) => {
  if (!rel) return null
  const [dir, ...rest] = rel.split('/')
  return dir === 'tilesets' || dir === 'sprites' || dir === 'icons'
    ? `/api/world/${dir}/${rest.join('/')}`
    : null
}

/** Map and asset REST: everything a client needs to draw the world, for signed-in users. */
export function registerWorldRoutes(
  root: FastifyInstance,
  ctx: ModuleContext<WorldConfig>,
  w: WorldService,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const preHandler = requireUser(ctx.use('accounts'))
  const base = { preHandler }

  app.get(
    '/api/world/maps',
    {
      ...base,
      schema: {
        tags,
        security,
        operationId: 'worldMaps',
        summary: 'The maps of the world',
        response: { 200: z.object({ maps: z.array(worldMapInfo) }), ...errorResponses(401) },
      },
    },
    async () => ({ maps: [...w.maps.values()].map((m) => w.mapInfo(m.map)) }),
  )

  app.get(
    '/api/world/maps/:id',
    {
      ...base,
      schema: {
        tags,
        security,
        operationId: 'worldMap',
        summary: 'A map: size, tilesets (with asset URLs), layers, spawns and portals',
        params: z.object({ id: z.string().max(64) }),
        response: { 200: mapDetail, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const m = w.maps.get(request.params.id)?.map
      if (!m) throw TavernError.of('world.map_not_found')
      return {
        ...w.mapInfo(m),
        tilesets: m.tilesets.map((t) => ({
          name: t.name,
          firstGid: t.firstGid,
          tileWidth: t.tileWidth,
          tileHeight: t.tileHeight,
          tileCount: t.tileCount,
          columns: t.columns,
          margin: t.margin,
          spacing: t.spacing,
          source: assetUrl(t.source),
          image: assetUrl(t.image?.path),
        })),
        layers: m.layers.filter((l) => l.visible).map((l) => l.name),
        spawns: m.playerSpawns.map((s) => ({ name: s.name, x: s.x, y: s.y })),
        portals: m.portals.map((p) => ({ name: p.name, ...p.area, targetMap: p.targetMap })),
      }
    },
  )

  for (const dir of ['tilesets', 'sprites', 'icons'] as const) {
    app.get(
      `/api/world/${dir}/*`,
      {
        ...base,
        schema: {
          tags,
          security,
          operationId: `world${dir[0]!.toUpperCase()}${dir.slice(1)}File`,
          summary: `A file under ${dir}/ (PNG, JSON, TSX/TSJ)`,
          params: fileParams,
        },
      },
      async (request, reply) => serve(w, reply, dir, request.params['*']),
    )
  }

  app.get(
    '/api/world/sprites',
    {
      ...base,
      schema: {
        tags,
        security,
        operationId: 'worldSprites',
        summary: 'Sprite manifests: player bodies and NPCs (frames by direction, animations)',
        response: { 200: z.object({ characters: z.unknown(), npcs: z.unknown() }), ...errorResponses(401) },
      },
    },
    async () => ({
      characters: await manifest(w, 'sprites/characters.json'),
      npcs: await manifest(w, 'sprites/npcs.json'),
    }),
  )

  app.get(
    '/api/world/icons',
    {
      ...base,
      schema: {
        tags,
        security,
        operationId: 'worldIcons',
        summary: 'The item icon manifest (one 32×32 icon per item in icons/items.png)',
        response: { 200: z.unknown(), ...errorResponses(401) },
      },
    },
    async () => manifest(w, 'icons/items.json'),
  )

  app.get(
    '/api/world/items',
    {
      ...base,
      schema: {
        tags,
        security,
        operationId: 'worldItems',
        summary: 'Item definitions: names, categories, rarities, stats, stack limits, icons',
        response: {
          200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }),
          ...errorResponses(401),
        },
      },
    },
    async () => ({ items: [...w.loaded.content.items.values()].map((i) => ({ ...i })) }),
  )

  app.get(
    '/api/world/appearance',
    {
      ...base,
      schema: {
        tags,
        security,
        operationId: 'worldAppearance',
        summary: 'Appearance options: bodies, how many of each style, which fields are colours',
        response: {
          200: z.object({
            bodies: z.array(z.string()),
            styles: z.record(z.string(), z.number().int()),
            colours: z.array(z.string()),
          }),
          ...errorResponses(401),
        },
      },
    },
    async () => appearanceOptions(w),
  )

  app.get(
    '/api/world/status',
    {
      ...base,
      schema: {
        tags,
        security,
        operationId: 'worldStatus',
        summary: 'Players in the world, capacity, and simulation/send tick durations (ms)',
        description: 'With `reset=true` the tick statistics start a new window after this reading.',
        querystring: z.object({ reset: z.enum(['true', 'false']).optional() }),
        response: { 200: z.record(z.string(), z.unknown()), ...errorResponses(401) },
      },
    },
    async (request) => w.status(request.query.reset === 'true'),
  )
}

async function manifest(w: WorldService, rel: string): Promise<unknown> {
  for (const root of w.loaded.roots) {
    try {
      return JSON.parse(await readFile(path.join(root, rel), 'utf8'))
    } catch {
      // Next root.
    }
  }
  return null
}
