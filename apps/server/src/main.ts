import { loadConfig } from '@tavern/server'
import { buildServer } from './app.ts'

/** `npm start`: parse the configuration, build Tavern with its modules, listen, and stop cleanly on a signal. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig()
  } catch (err) {
    console.error((err as Error).message)
    process.exit(2)
  }
  const kernel = await buildServer(config)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      kernel.log.warn({ signal }, 'second signal: exiting now')
      process.exit(1)
    }
    stopping = true
    kernel.log.info({ signal }, 'shutting down')
    kernel.stop().then(
      () => process.exit(0),
      (err) => {
        kernel.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('uncaughtException', (err) => {
    kernel.log.fatal({ err }, 'uncaught exception')
    stop('uncaughtException')
  })
  const url = await kernel.start()
  const storage = config.database.url ? 'PostgreSQL' : `PGlite in ${config.server.dataDir}`
  const hot = config.hot.url ? 'Valkey' : 'in-process memory'
  process.stdout.write(
    `\n  Tavern is running at ${url}\n  WebSocket ${url.replace(/^http/, 'ws')}/ws · API docs ${url}/docs · metrics ${url}/metrics\n  Storage: ${storage}; hot store: ${hot}\n\n`,
  )
}

main().catch((err: Error) => {
  console.error(`Tavern could not start: ${err.message}`)
  process.exit(1)
})
