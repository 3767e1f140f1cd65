import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { updatedDoc } from '../scripts/gen-docs.ts'
import {
  asEnvelope,
  CloseCode,
  errorBody,
  errorCatalog,
  jsonCodec,
  messages,
  msgpackCodec,
  publishSchemas,
  TavernError,
} from '../src/index.ts'

describe('codecs', () => {
  const env = { type: 'chat.send', id: 7, payload: { channel: 'global', text: 'héllo 🎲', n: 2 ** 40 } }
  it.each([
    ['msgpack', msgpackCodec],
    ['json', jsonCodec],
  ])('%s round-trips an envelope', (_name, codec) => {
    expect(codec.decode(codec.encode(env))).toEqual(env)
  })
  it('msgpack frames are plain maps any msgpack library can read', () => {
    const frame = msgpackCodec.encode(env) as Uint8Array
    expect(frame[0]).toBe(0x83) // fixmap of type, id, payload
  })
  it('undecodable input throws or decodes to something that is not an envelope', () => {
    expect(asEnvelope(msgpackCodec.decode(new Uint8Array([0xc1])))).toBeNull()
    expect(() => msgpackCodec.decode(new Uint8Array([0xdf, 0xff, 0xff]))).toThrow()
    expect(() => jsonCodec.decode('{nope')).toThrow()
  })
})

describe('envelopes', () => {
  it.each([
    null,
    1,
    'x',
    [],
    {},
    { type: '' },
    { type: 5 },
    { type: 'a', id: -1 },
    { type: 'a', id: 1.5 },
    { type: 'a', id: {} },
    { type: 'x'.repeat(65) },
  ])('refuses %j', (v) => expect(asEnvelope(v)).toBeNull())
  it('accepts numeric and string ids', () => {
    expect(asEnvelope({ type: 'ping', id: 3 })).not.toBeNull()
    expect(asEnvelope({ type: 'ping', id: 'abc' })).not.toBeNull()
  })
})

describe('catalogs', () => {
  it('every error code is namespaced and has a category the clients know', () => {
    for (const [code, spec] of Object.entries(errorCatalog)) {
      expect(code).toMatch(/^[a-z]+\.[a-z_]+$/)
      expect(spec.status).toBeGreaterThanOrEqual(400)
    }
  })
  it('close codes are unique and in the 4000 range', () => {
    const codes = Object.values(CloseCode)
    expect(new Set(codes).size).toBe(codes.length)
    for (const c of codes) expect(c).toBeGreaterThanOrEqual(4000)
  })
  it('TavernError carries its body through', () => {
    const e = TavernError.of('sys.rate_limited', { retryAfterMs: 250, operation: 'chat.send' })
    expect(e.toBody()).toEqual(errorBody('sys.rate_limited', { retryAfterMs: 250, operation: 'chat.send' }))
    expect(e.category).toBe('rate_limit')
  })
})

describe('published schemas and docs', () => {
  it('every message type publishes a JSON Schema', () => {
    const published = publishSchemas(messages)
    expect(published.length).toBe(Object.keys(messages).length)
    for (const m of published) expect(m.kind === 'request' ? m.request : m.payload).toBeTypeOf('object')
  })
  it('docs/protocol.md lists every message, error code and close code (npm run docs:protocol)', () => {
    const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8')
    expect(updatedDoc(doc)).toBe(doc)
  })
})
