import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadConfig, settings } from '../src/config.ts'

describe('configuration', () => {
  it('has embedded defaults that need nothing installed', () => {
    const c = loadConfig({})
    expect(c.database.url).toBeUndefined()
    expect(c.hot.url).toBeUndefined()
    expect(c.server.dataDir).toBe('./data')
    expect(c.server.port).toBe(4000)
    expect(Object.isFrozen(c.gateway)).toBe(true)
  })

  it('reads the environment, coercing types', () => {
    const c = loadConfig({
      PORT: '5000',
      DATABASE_URL: 'postgres://x@h/db',
      TAVERN_TRUST_PROXY: 'true',
      TAVERN_MODULES: 'chat, world',
    })
    expect(c.server.port).toBe(5000)
    expect(c.database.url).toBe('postgres://x@h/db')
    expect(c.server.trustProxy).toBe(true)
    expect(c.modules.enabled).toEqual(['chat', 'world'])
  })

  it('maps TAVERN_<MODULE>_<KEY> to module settings', () => {
    const c = loadConfig({
      TAVERN_CHAT_GLOBAL_POST_ROLE: 'moderator',
      TAVERN_ACCOUNTS_ADMIN_USERNAMES: 'ann,bo',
    })
    expect(c.modules.settings.chat).toEqual({ globalPostRole: 'moderator' })
    expect(c.modules.settings.accounts).toEqual({ adminUsernames: 'ann,bo' })
  })

  it('names every invalid setting by its variable', () => {
    let message = ''
    try {
      loadConfig({ PORT: 'eighty', TAVERN_WS_AUTH_TIMEOUT_MS: '-1', VALKEY_URL: 'localhost' })
    } catch (err) {
      message = (err as Error).message
    }
    for (const v of ['PORT', 'TAVERN_WS_AUTH_TIMEOUT_MS', 'VALKEY_URL']) expect(message).toContain(`  ${v}: `)
  })

  it('refuses unknown keys in the config file', () => {
    expect(() => loadConfig({}, { server: { colour: 'red' } as never })).toThrow(/Invalid configuration/)
  })

  it('docs/operations.md documents every setting with its default', () => {
    const doc = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8')
    for (const s of settings) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${s.env}\``))
      expect(row, s.env).toBeDefined()
      let def: unknown
      try {
        def = s.schema.parse(undefined)
      } catch {
        def = undefined
      }
      if (def !== undefined && !Array.isArray(def)) expect(row).toContain(`\`${def}\``)
    }
  })
})
