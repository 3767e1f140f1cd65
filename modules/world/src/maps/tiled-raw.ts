import type { RawData } from './tiled-data.ts'
import type { Point, Properties } from './tiled-types.ts'

/** The common shape both TMX and JSON files are read into before tilesets are resolved and data decoded. */
export interface RawMap {
  readonly orientation: string
  readonly width: number
  readonly height: number
  readonly tileWidth: number
  readonly tileHeight: number
  readonly infinite: boolean
  readonly properties: Properties
  readonly tilesets: readonly RawTilesetRef[]
  readonly layers: readonly RawLayer[]
}

export interface RawTilesetRef {
  readonly firstGid: number
  readonly source?: string
  readonly inline?: RawTileset
}

export interface RawTileset {
  readonly name: string
  readonly tileWidth: number
  readonly tileHeight: number
  readonly tileCount: number
  readonly columns: number
  readonly margin: number
  readonly spacing: number
  readonly image?: { readonly source: string; readonly width: number; readonly height: number }
  readonly tiles: readonly { readonly id: number; readonly properties: Properties; readonly image?: string }[]
}

export interface RawChunk {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
  readonly data: RawData
}

export type RawLayer =
  | {
      readonly kind: 'tile'
      readonly name: string
      readonly visible: boolean
      readonly opacity: number
      readonly properties: Properties
      readonly width: number
      readonly height: number
      readonly data?: RawData
      readonly chunks?: readonly RawChunk[]
    }
  | {
      readonly kind: 'object'
      readonly name: string
      readonly visible: boolean
      readonly properties: Properties
      readonly objects: readonly RawObject[]
    }
  | {
      readonly kind: 'group'
      readonly name: string
      readonly visible: boolean
      readonly properties: Properties
      readonly layers: readonly RawLayer[]
    }
  | { readonly kind: 'image'; readonly name: string }

export interface RawObject {
  readonly id: number
  readonly name: string
  /** The object's class (Tiled 1.9+) or type (earlier and 1.10+); whichever is set. */
  readonly type: string
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
  readonly gid?: number
  readonly polyline?: readonly Point[]
  readonly polygon?: readonly Point[]
  readonly properties: Properties
}

/** Reads a number from an attribute or JSON value; `what` names it in the error. */
export function toNumber(value: unknown, what: string, fallback?: number): number {
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback
    throw new Error(`${what} is missing`)
  }
  const n = typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new Error(`${what} must be a number, got ${show(value)}`)
  return n
}

/** Like {@link toNumber}, for integers with a lower bound. */
export function toInt(value: unknown, what: string, min: number, fallback?: number): number {
  const n = toNumber(value, what, fallback)
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${what} must be an integer ≥ ${min}, got ${show(value)}`)
  return n
}

export function toBool(value: unknown, what: string, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback
  if (value === true || value === 1 || value === '1' || value === 'true') return true
  if (value === false || value === 0 || value === '0' || value === 'false') return false
  throw new Error(`${what} must be a boolean, got ${show(value)}`)
}

export function toStr(value: unknown, what: string, fallback?: string): string {
  if (value === undefined) {
    if (fallback !== undefined) return fallback
    throw new Error(`${what} is missing`)
  }
  if (typeof value !== 'string') throw new Error(`${what} must be a string, got ${show(value)}`)
  return value
}

/** Converts a Tiled property value of a declared type into a plain value. */
export function propertyValue(type: string, value: unknown, what: string): string | number | boolean {
  switch (type) {
    case 'int':
    case 'object':
      return toInt(value, what, type === 'object' ? 0 : Number.MIN_SAFE_INTEGER, 0)
    case 'float':
      return toNumber(value, what, 0)
    case 'bool':
      return toBool(value, what, false)
    case '':
    case 'string':
    case 'color':
    case 'file':
      return value === undefined ? '' : String(value)
    default:
      throw new Error(`${what} has unknown type "${type}"`)
  }
}

export function show(value: unknown): string {
  const s = typeof value === 'string' ? `"${value}"` : JSON.stringify(value)
  return (s ?? String(value)).slice(0, 40)
}
