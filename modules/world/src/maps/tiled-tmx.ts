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
import { childNamed, childrenNamed, parseXml, type XmlElement } from './xml.ts'

/** Reads a TMX map into the raw shape. */
export function readTmxMap(text: string): RawMap {
  const m = parseXml(text)
  if (m.name !== 'map') throw new Error(`root element is <${m.name}>, expected <map>`)
  const a = m.attrs
  const tilesets = childrenNamed(m, 'tileset').map((t, i): RawTilesetRef => {
    const firstGid = toInt(t.attrs.firstgid, `tileset ${i + 1} firstgid`, 1)
    if (t.attrs.source !== undefined) return { firstGid, source: t.attrs.source }
    return { firstGid, inline: tilesetFrom(t, `tileset ${i + 1}`) }
  })
  return {
    orientation: toStr(a.orientation, 'orientation', 'orthogonal'),
    width: toInt(a.width, 'map width', 0),
    height: toInt(a.height, 'map height', 0),
    tileWidth: toInt(a.tilewidth, 'tilewidth', 1),
    tileHeight: toInt(a.tileheight, 'tileheight', 1),
    infinite: toBool(a.infinite, 'infinite', false),
    properties: properties(m, 'map properties'),
    tilesets,
    layers: layers(m),
  }
}

/** Reads an external TSX tileset. */
export function readTsxTileset(text: string): RawTileset {
  const t = parseXml(text)
  if (t.name !== 'tileset') throw new Error(`root element is <${t.name}>, expected <tileset>`)
  return tilesetFrom(t, 'tileset')
}

function tilesetFrom(t: XmlElement, what: string): RawTileset {
  const a = t.attrs
  const name = a.name ?? ''
  const label = name ? `tileset "${name}"` : what
  const image = childNamed(t, 'image')
  const tiles = childrenNamed(t, 'tile').map((tile) => {
    const id = toInt(tile.attrs.id, `${label} tile id`, 0)
    const props = properties(tile, `${label} tile ${id} properties`)
    const img = childNamed(tile, 'image')
    return img
      ? { id, properties: props, image: toStr(img.attrs.source, `${label} tile ${id} image source`) }
      : { id, properties: props }
  })
  return {
    name,
    tileWidth: toInt(a.tilewidth, `${label} tilewidth`, 1),
    tileHeight: toInt(a.tileheight, `${label} tileheight`, 1),
    tileCount: toInt(a.tilecount, `${label} tilecount`, 0),
    columns: toInt(a.columns, `${label} columns`, 0, 0),
    margin: toInt(a.margin, `${label} margin`, 0, 0),
    spacing: toInt(a.spacing, `${label} spacing`, 0, 0),
    ...(image
      ? {
          image: {
            source: toStr(image.attrs.source, `${label} image source`),
            width: toInt(image.attrs.width, `${label} image width`, 1),
            height: toInt(image.attrs.height, `${label} image height`, 1),
          },
        }
      : {}),
    tiles,
  }
}

const LAYER_ELEMENTS = new Set(['layer', 'objectgroup', 'imagelayer', 'group'])

function layers(parent: XmlElement): RawLayer[] {
  return parent.children
    .filter((c) => LAYER_ELEMENTS.has(c.name))
    .map((el): RawLayer => {
      const name = el.attrs.name ?? ''
      const label = `layer "${name}"`
      const visible = toBool(el.attrs.visible, `${label} visible`, true)
      switch (el.name) {
        case 'layer':
          return tileLayer(el, name, label, visible)
        case 'objectgroup':
          return {
            kind: 'object',
            name,
            visible,
            properties: properties(el, `${label} properties`),
            objects: childrenNamed(el, 'object').map((o) => objectFrom(o)),
          }
        case 'group':
          return {
            kind: 'group',
            name,
            visible,
            properties: properties(el, `${label} properties`),
            layers: layers(el),
          }
        default:
          return { kind: 'image', name }
      }
    })
}

function tileLayer(el: XmlElement, name: string, label: string, visible: boolean): RawLayer {
  const dataEl = childNamed(el, 'data')
  if (!dataEl) throw new Error(`${label} has no <data>`)
  const encoding = dataEl.attrs.encoding ?? ''
  const compression = dataEl.attrs.compression ?? ''
  const base = {
    kind: 'tile' as const,
    name,
    visible,
    opacity: toNumber(el.attrs.opacity, `${label} opacity`, 1),
    properties: properties(el, `${label} properties`),
    width: toInt(el.attrs.width, `${label} width`, 0, 0),
    height: toInt(el.attrs.height, `${label} height`, 0, 0),
  }
  const chunkEls = childrenNamed(dataEl, 'chunk')
  if (chunkEls.length > 0) {
    const chunks = chunkEls.map((c, i): RawChunk => {
      const what = `${label} chunk ${i + 1}`
      return {
        x: toInt(c.attrs.x, `${what} x`, Number.MIN_SAFE_INTEGER),
        y: toInt(c.attrs.y, `${what} y`, Number.MIN_SAFE_INTEGER),
        width: toInt(c.attrs.width, `${what} width`, 1),
        height: toInt(c.attrs.height, `${what} height`, 1),
        data: data(c, encoding, compression, what),
      }
    })
    return { ...base, chunks }
  }
  return { ...base, data: data(dataEl, encoding, compression, label) }
}

function data(el: XmlElement, encoding: string, compression: string, what: string): RawData {
  if (encoding === 'csv') return { encoding: 'csv', text: el.text }
  if (encoding === 'base64') return { encoding: 'base64', text: el.text, compression }
  // The old XML format: one <tile gid="..."/> per cell, an absent gid meaning empty.
  if (encoding === '')
    return { encoding: 'array', values: childrenNamed(el, 'tile').map((t) => Number(t.attrs.gid ?? 0)) }
  throw new Error(`${what} has unknown encoding "${encoding}"`)
}

function objectFrom(el: XmlElement): RawObject {
  const a = el.attrs
  const id = toInt(a.id, 'object id', 0, 0)
  const label = `object ${id}`
  const polyline = childNamed(el, 'polyline')
  const polygon = childNamed(el, 'polygon')
  return {
    id,
    name: a.name ?? '',
    type: a.type || a.class || '',
    x: toNumber(a.x, `${label} x`, 0),
    y: toNumber(a.y, `${label} y`, 0),
    width: toNumber(a.width, `${label} width`, 0),
    height: toNumber(a.height, `${label} height`, 0),
    ...(a.gid !== undefined ? { gid: toInt(a.gid, `${label} gid`, 0) } : {}),
    ...(polyline ? { polyline: points(polyline.attrs.points, `${label} polyline`) } : {}),
    ...(polygon ? { polygon: points(polygon.attrs.points, `${label} polygon`) } : {}),
    properties: properties(el, `${label} properties`),
  }
}

function points(value: string | undefined, what: string): Point[] {
  return toStr(value, `${what} points`)
    .trim()
    .split(/\s+/)
    .map((pair, i) => {
      const [x, y] = pair.split(',')
      return { x: toNumber(x, `${what} point ${i + 1} x`), y: toNumber(y, `${what} point ${i + 1} y`) }
    })
}

function properties(el: XmlElement, what: string): Properties {
  const holder = childNamed(el, 'properties')
  if (!holder) return {}
  const out: Record<string, PropertyValue> = {}
  for (const p of childrenNamed(holder, 'property')) {
    const name = toStr(p.attrs.name, `${what} name`)
    const type = p.attrs.type ?? 'string'
    if (type === 'class') out[name] = properties(p, `${what} "${name}"`)
    else out[name] = propertyValue(type, p.attrs.value ?? p.text, `${what} "${name}"`)
  }
  return out
}
