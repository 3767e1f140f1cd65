/**
 * Runs world bots against a Tavern server until interrupted.
 *
 *   npx tsx tools/bots/src/cli.ts --url http://127.0.0.1:4000 --bots 20            # SDK bots that play
 *   npx tsx tools/bots/src/cli.ts --url http://127.0.0.1:4000 --bots 500 --raw     # cheap walkers
 */
import { parseArgs } from 'node:util'
import { RawBot, registerAccounts } from './raw-bot.ts'
import { WorldBot } from './world-bot.ts'

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:4000' },
    bots: { type: 'string', default: '10' },
    raw: { type: 'boolean', default: false },
    prefix: { type: 'string', default: `bot${Date.now().toString(36)}_` },
    period: { type: 'string', default: '250' },
  },
})
const n = Number(values.bots)
const url = values.url as string

if (values.raw) {
  const tokens = await registerAccounts(url, values.prefix as string, n)
  const bots = tokens.map((t) => new RawBot(url, t))
  for (const b of bots) await b.connect()
  for (const b of bots) b.walk(Number(values.period))
  setInterval(() => {
    const moves = bots.reduce((s, b) => s + b.stats.moves, 0)
    process.stdout.write(`${JSON.stringify({ bots: n, moves })}\n`)
  }, 5000)
  process.on('SIGINT', () => {
    for (const b of bots) b.close()
    process.exit(0)
  })
} else {
  const bots = Array.from({ length: n }, (_, i) => new WorldBot({ url, username: `${values.prefix}${i}` }))
  for (const b of bots) await b.start()
  for (const b of bots) b.play()
  setInterval(() => {
    process.stdout.write(`${JSON.stringify(bots.map((b) => b.counts))}\n`)
  }, 5000)
  process.on('SIGINT', () => {
    for (const b of bots) b.stop()
    process.exit(0)
  })
}
