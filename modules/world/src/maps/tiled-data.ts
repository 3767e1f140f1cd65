import { gunzipSync, inflateSync } from 'node:zlib'

/** Tile data as a Tiled file stores it, before decoding. */
export type RawData =
  | { readonly encoding: 'csv'; readonly text: string }
  | { readonly encoding: 'base64'; readonly text: string; readonly compression: string }
  | { readonly encoding: 'array'; readonly values: readonly unknown[] }

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * Decodes layer or chunk data into raw gids (flip bits kept). Throws a plain Error describing the problem;
 * the caller adds the file and layer.
 */
export function decodeTileData(data: RawData, expected: number): Uint32Array {
  const gids = decodeRaw(data)
  if (gids.length !== expected) throw new Error(`has ${gids.length} tiles, expected ${expected}`)
  return gids
}

function decodeRaw(data: RawData): Uint32Array {
  switch (data.encoding) {
    case 'csv':
      return decodeCsv(data.text)
    case 'array':
      return decodeArray(data.values)
    case 'base64':
      return decodeBase64(data.text, data.compression)
  }
}

function decodeCsv(text: string): Uint32Array {
  const trimmed = text.trim()
  if (trimmed === '') return new Uint32Array(0)
  const parts = trimmed.split(',')
  // Tiled ends every row with a comma except the last; tolerate one trailing comma from hand edits.
  if (parts[parts.length - 1]!.trim() === '') parts.pop()
  const out = new Uint32Array(parts.length)
  for (let i = 0; i < parts.length; i++) {
    const token = parts[i]!.trim()
    if (!/^\d{1,10}$/.test(token) || Number(token) > 0xffffffff) {
      throw new Error(`CSV value ${i + 1} ("${token.slice(0, 20)}") is not a tile gid`)
    }
    out[i] = Number(token)
  }
  return out
}

function decodeArray(values: readonly unknown[]): Uint32Array {
  const out = new Uint32Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new Error(`value ${i + 1} (${JSON.stringify(v)?.slice(0, 20)}) is not a tile gid`)
    }
    out[i] = v
  }
  return out
}

function decodeBase64(text: string, compression: string): Uint32Array {
  const clean = text.replace(/\s+/g, '')
  if (!BASE64.test(clean) || clean.length % 4 === 1) throw new Error('is not valid base64')
  let bytes: Buffer = Buffer.from(clean, 'base64')
  if (compression === 'zstd') {
    throw new Error(
      'uses zstd compression, which Tavern cannot read; save the layer as CSV or base64 with zlib/gzip',
    )
  }
  if (compression !== '' && compression !== 'zlib' && compression !== 'gzip') {
    throw new Error(`uses unknown compression "${compression}"`)
  }
  if (compression !== '') {
    try {
      bytes = compression === 'zlib' ? inflateSync(bytes) : gunzipSync(bytes)
    } catch (err) {
      throw new Error(`could not be decompressed as ${compression} (${(err as Error).message})`)
    }
  }
  if (bytes.length % 4 !== 0) throw new Error(`decodes to ${bytes.length} bytes, not a multiple of 4`)
  const out = new Uint32Array(bytes.length / 4)
  for (let i = 0; i < out.length; i++) out[i] = bytes.readUInt32LE(i * 4)
  return out
}
