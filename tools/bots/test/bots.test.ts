import { chatModule } from '@tavern/chat'
import { startTestServer, type TestServer } from '@tavern/server/testing'
import { worldModule } from '@tavern/world/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RawBot, registerAccounts, WorldBot } from '../src/index.ts'

describe('bots', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ modules: [chatModule, worldModule] })
  })
  afterAll(() => server?.close())

  it('SDK bots enter the world and play: walk, chat, see NPCs', async () => {
    const stamp = Date.now().toString(36)
    const bots = [0, 1].map(
      (i) => new WorldBot({ url: server.url, username: `sdkbot${stamp}${i}`, thinkMs: 170, chatChance: 0.3 }),
    )
    for (const b of bots) await b.start()
    for (const b of bots) b.play()
    await new Promise((r) => setTimeout(r, 2500))
    for (const b of bots) b.stop()
    // A bot next to a monster fights instead of walking; each did something, and they walked.
    for (const b of bots) {
      const c = b.counts
      expect(c.moves + c.blocked + c.attacks + c.pickups + c.said).toBeGreaterThan(2)
    }
    expect(bots.reduce((n, b) => n + b.counts.moves, 0)).toBeGreaterThan(0)
    expect(bots.reduce((n, b) => n + b.counts.said, 0)).toBeGreaterThan(0)
  })

  it('raw bots walk and measure their own move latency', async () => {
    const [token] = await registerAccounts(server.url, `rawbot${Date.now().toString(36)}`, 1)
    const bot = new RawBot(server.url, token!)
    await bot.connect()
    for (let i = 0; i < 5; i++) {
      await bot.step()
      await new Promise((r) => setTimeout(r, 160))
    }
    bot.close()
    expect(bot.stats.moves + bot.stats.refused).toBe(5)
    expect(bot.stats.moveLatencies.length).toBe(bot.stats.moves)
    expect(bot.stats.framesIn).toBeGreaterThan(5)
  })
})
