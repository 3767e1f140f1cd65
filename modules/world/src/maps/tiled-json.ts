import type { RawData } from './tiled-data.ts'
import {
  propertyValue,
  type RawChunk,
  type RawLayer,
  type RawMap,
  type RawObject,
  type RawTileset,
  type RawTilesetRef,
  toBool,
  toInt,
  toNumber,
  toStr,
} from './tiled-raw.ts'
import type { Point, Properties, PropertyValue } from './tiled-types.ts'

type Json = Record<string, unknown>

/** Reads a Tiled JSON map (.tmj / .json) into the raw shape. */
export function readJsonMap(text: string): RawMap {
  const m = parseObject(text, 'map')
  if (m.type !== undefined && m.type !== 'map') throw new Error(`"type" is ${String(m.type)}, expected "map"`)
  const tilesets = arrayOf(m.tilesets ?? [], 'tilesets').map((t, i): RawTilesetRef => {
    const ts = object(t, `tilesets[${i}]`)
    const firstGid = toInt(ts.firstgid, `tilesets[${i}].firstgid`, 1)
    if (ts.source !== undefined) return { firstGid, source: toStr(ts.source, `tilesets[${i}].source`) }
    return { firstGid, inline: tilesetFrom(ts, `tileset ${i}`) }
  })
  return {
    orientation: toStr(m.orientation, 'orientation', 'orthogonal'),
    width: toInt(m.width, 'map width', 0),
    height: toInt(m.height, 'map height', 0),
    tileWidth: toInt(m.tilewidth, 'tilewidth', 1),
    tileHeight: toInt(m.tileheight, 'tileheight', 1),
    infinite: toBool(m.infinite, 'infinite', false),
    properties: properties(m.properties, 'map properties'),
    tilesets,
    layers: layers(m.layers ?? [], 'layers'),
  }
}

/** Reads an external JSON tileset (.tsj / .json). */
export function readJsonTileset(text: string): RawTileset {
  const t = parseObject(text, 'tileset')
  if (t.type !== undefined && t.type !== 'tileset')
    throw new Error(`"type" is ${String(t.type)}, expected "tileset"`)
  return tilesetFrom(t, 'tileset')
}

function tilesetFrom(t: Json, what: string): RawTileset {
  const name = toStr(t.name, `${what} name`, '')
  const label = name ? `tileset "${name}"` : what
  const tiles = arrayOf(t.tiles ?? [], `${label} tiles`).map((raw, i) => {
    const tile = object(raw, `${label} tiles[${i}]`)
    const id = toInt(tile.id, `${label} tiles[${i}].id`, 0)
    const props = properties(tile.properties, `${label} tile ${id} properties`)
    return tile.image === undefined
      ? { id, properties: props }
      : { id, properties: props, image: toStr(tile.image, `${label} tile ${id} image`) }
  })
  const hasImage = t.image !== undefined && t.image !== ''
  return {
    name,
    tileWidth: toInt(t.tilewidth, `${label} tilewidth`, 1),
    tileHeight: toInt(t.tileheight, `${label} tileheight`, 1),
    tileCount: toInt(t.tilecount, `${label} tilecount`, 0),
    columns: toInt(t.columns, `${label} columns`, 0, 0),
    margin: toInt(t.margin, `${label} margin`, 0, 0),
    spacing: toInt(t.spacing, `${label} spacing`, 0, 0),
    ...(hasImage
      ? {
          image: {
            source: toStr(t.image, `${label} image`),
            width: toInt(t.imagewidth, `${label} imagewidth`, 1),
            height: toInt(t.imageheight, `${label} imageheight`, 1),
          },
        }
      : {}),
    tiles,
  }
}

function layers(value: unknown, what: string): RawLayer[] {
  return arrayOf(value, what).map((raw, i) => {
    const l = object(raw, `${what}[${i}]`)
    const name = toStr(l.name, `${what}[${i}].name`, '')
    const label = `layer "${name}"`
    const visible = toBool(l.visible, `${label} visible`, true)
    const props = properties(l.properties, `${label} properties`)
    switch (l.type) {
      case 'tilelayer': {
        const encoding = toStr(l.encoding, `${label} encoding`, 'csv')
        const compression = toStr(l.compression, `${label} compression`, '')
        const base = {
          kind: 'tile' as const,
          name,
          visible,
          opacity: toNumber(l.opacity, `${label} opacity`, 1),
          properties: props,
          width: toInt(l.width, `${label} width`, 0, 0),
          height: toInt(l.height, `${label} height`, 0, 0),
        }
        if (l.chunks !== undefined) {
          const chunks = arrayOf(l.chunks, `${label} chunks`).map((c, j): RawChunk => {
            const ch = object(c, `${label} chunks[${j}]`)
            return {
              x: toInt(ch.x, `${label} chunks[${j}].x`, Number.MIN_SAFE_INTEGER),
              y: toInt(ch.y, `${label} chunks[${j}].y`, Number.MIN_SAFE_INTEGER),
              width: toInt(ch.width, `${label} chunks[${j}].width`, 1),
              height: toInt(ch.height, `${label} chunks[${j}].height`, 1),
              data: data(ch.data, encoding, compression, `${label} chunks[${j}].data`),
            }
          })
          return { ...base, chunks }
        }
        if (l.data === undefined) throw new Error(`${label} has neither data nor chunks`)
        return { ...base, data: data(l.data, encoding, compression, `${label} data`) }
      }
      case 'objectgroup': {
        const objects = arrayOf(l.objects ?? [], `${label} objects`).map((o, j) =>
          objectFrom(o, `${label} objects[${j}]`),
        )
        return { kind: 'object', name, visible, properties: props, objects }
      }
      case 'group':
        return {
          kind: 'group',
          name,
          visible,
          properties: props,
          layers: layers(l.layers ?? [], `${label} layers`),
        }
      case 'imagelayer':
        return { kind: 'image', name }
      default:
        throw new Error(`${label} has unknown type ${JSON.stringify(l.type)}`)
    }
  })
}

function data(value: unknown, encoding: string, compression: string, what: string): RawData {
  if (encoding === 'csv') return { encoding: 'array', values: arrayOf(value, what) }
  if (encoding === 'base64') return { encoding: 'base64', text: toStr(value, what), compression }
  throw new Error(`${what} has unknown encoding "${encoding}"`)
}

function objectFrom(value: unknown, what: string): RawObject {
  const o = object(value, what)
  const id = toInt(o.id, `${what}.id`, 0, 0)
  const label = `object ${id}`
  const type = toStr(o.type, `${label} type`, '') || toStr(o.class, `${label} class`, '')
  return {
    id,
    name: toStr(o.name, `${label} name`, ''),
    type,
    x: toNumber(o.x, `${label} x`, 0),
    y: toNumber(o.y, `${label} y`, 0),
    width: toNumber(o.width, `${label} width`, 0),
    height: toNumber(o.height, `${label} height`, 0),
    ...(o.gid !== undefined ? { gid: toInt(o.gid, `${label} gid`, 0) } : {}),
    ...(o.polyline !== undefined ? { polyline: points(o.polyline, `${label} polyline`) } : {}),
    ...(o.polygon !== undefined ? { polygon: points(o.polygon, `${label} polygon`) } : {}),
    properties: properties(o.properties, `${label} properties`),
  }
}

function points(value: unknown, what: string): Point[] {
  return arrayOf(value, what).map((p, i) => {
    const pt = object(p, `${what}[${i}]`)
    return { x: toNumber(pt.x, `${what}[${i}].x`), y: toNumber(pt.y, `${what}[${i}].y`) }
  })
}

function properties(value: unknown, what: string): Properties {
  if (value === undefined) return {}
  const out: Record<string, PropertyValue> = {}
  for (const [i, raw] of arrayOf(value, what).entries()) {
    const p = object(raw, `${what}[${i}]`)
    const name = toStr(p.name, `${what}[${i}].name`)
    const type = toStr(p.type, `${what} "${name}" type`, 'string')
    if (type === 'class') {
      out[name] =
        p.value !== null && typeof p.value === 'object' ? (p.value as { [k: string]: PropertyValue }) : {}
    } else out[name] = propertyValue(type, p.value, `${what} "${name}"`)
  }
  return out
}

function parseObject(text: string, what: string): Json {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new Error(`is not valid JSON (${(err as Error).message})`)
  }
  return object(value, what)
}

function object(value: unknown, what: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${what} must be an object`)
  return value as Json
}

function arrayOf(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what} must be an array`)
  return value
}
