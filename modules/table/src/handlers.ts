import type { ModuleDefinition } from '@tavern/server'
import type { TableConfig } from './config.ts'
import { act, leave, narrate, react, rollDice, say, typing, whisper } from './room-actions.ts'
import { changeScene, move, rotateSeed, runCombat } from './room-gm.ts'
import type { TableService } from './service.ts'

type MessageHandlers = ReturnType<NonNullable<ModuleDefinition<TableConfig, TableService>['messages']>>

/**
 * The `table.*` requests. Each goes through `svc.act`, which checks membership, the role the action needs
 * (`act`: players and GMs; `gm`: GMs), that this connection joined the room, and that the session is open.
 */
export function tableHandlers(svc: TableService): MessageHandlers {
  const max = svc.ctx.config.maxTextLength
  return {
    'table.join': ({ session, payload }) => svc.join(session, payload.sessionId),
    'table.leave': ({ session, payload }) =>
      svc.act(session, payload.sessionId, 'read', (room) => leave(room, session), { readOnly: true }),
    'table.say': ({ session, payload: p }) =>
      svc.act(session, p.sessionId, 'act', (r, m) => say(r, m, p.text, max)),
    'table.whisper': ({ session, payload: p }) =>
      svc.act(session, p.sessionId, 'act', (r, m) => whisper(r, m, p.to, p.text, max)),
    'table.typing': ({ session, payload: p }) =>
      svc.act(session, p.sessionId, 'act', (r, m) => typing(r, m, p.typing)),
    'table.react': ({ session, payload: p }) =>
      svc.act(session, p.sessionId, 'act', (r, m) => react(r, m, p.seq, p.emoji, p.on)),
    'table.narrate': ({ session, payload: p }) =>
      svc.act(session, p.sessionId, 'gm', (r, m) => narrate(r, m, p.text, p.gmOnly, max)),
    'table.action': ({ session, payload: p }) =>
      svc.act(session, p.sessionId, 'act', (r, m) => act(r, m, p.action, p.details)),
    'table.roll': ({ session, payload: p }) =>
      svc.act(session, p.sessionId, 'act', (r, m) => rollDice(r, m, p)),
    'table.combat': ({ session, payload: p }) =>
      svc.act(session, p.sessionId, 'gm', (r, m) => runCombat(r, p.action, m)),
    'table.scene': ({ session, payload: p }) =>
      svc.act(session, p.sessionId, 'gm', (r, m) => changeScene(r, m, p.action)),
    'table.move': ({ session, payload: p }) =>
      svc.act(session, p.sessionId, 'act', (r, m) => move(r, m, p.tokenId, p.x, p.y)),
    'table.rotate_seed': ({ session, payload: p }) =>
      svc.act(session, p.sessionId, 'gm', (r) => rotateSeed(r)),
    'table.history': ({ session, payload: p }) =>
      svc.history(session.user.userId, p.sessionId, p.before, p.limit),
  }
}
