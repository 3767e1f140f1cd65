import { defineModule } from '@tavern/server'
import { type TableConfig, tableConfig } from './config.ts'
import { tableHandlers } from './handlers.ts'
import { registerLogRoutes } from './routes/log.ts'
import { registerSessionRoutes } from './routes/sessions.ts'
import { TableService } from './service.ts'
import { tableMigrations } from './store/migrations.ts'

/**
 * Tabletop sessions: campaigns and sessions over REST, one live room per session over the gateway (chat,
 * whispers, server-side fair dice, narration, combat tracker, scene with fog), an append-only session log that
 * survives restarts, exports and recaps.
 */
export const tableModule = defineModule<TableConfig, TableService>({
  name: 'table',
  dependsOn: ['accounts'],
  config: tableConfig,
  migrations: tableMigrations,
  api: (ctx) => new TableService(ctx),
  routes: (app, ctx, svc) => {
    registerSessionRoutes(app, ctx, svc)
    registerLogRoutes(app, ctx, svc)
  },
  messages: (_ctx, svc) => tableHandlers(svc),
  systems: (ctx, svc) => [
    { name: 'table.rooms', hz: ctx.config.loopHz, run: () => svc.rooms.tick(ctx.clock.now()) },
  ],
  sessions: (_ctx, svc) => ({
    onSessionSuspend: (session) => svc.presence(session, 'away'),
    onSessionResume: (session) => svc.presence(session, 'online'),
    onSessionEnd: (session, reason) =>
      svc.presence(session, reason === 'replaced' ? 'replaced' : 'disconnected'),
  }),
  onReady: (_ctx, svc) => svc.rooms.start(),
  onShutdown: (_ctx, svc) => svc.rooms.stop(),
})
