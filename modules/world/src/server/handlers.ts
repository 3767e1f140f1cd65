import type { RequestType } from '@tavern/protocol'
import type { ModuleDefinition, Rejection, RequestContext } from '@tavern/server'
import { equipmentBonuses } from '../rules/equipment.ts'
import { levelOf, MAX_LEVEL, xpForLevel } from '../rules/skills.ts'
import * as act from './actions.ts'
import * as admin from './admin.ts'
import { attack } from './combat.ts'
import type { PlayerEntity } from './entities.ts'
import { enter, leave } from './presence.ts'
import type { WorldService } from './service.ts'
import * as trade from './trade.ts'

type MessageHandlers = ReturnType<NonNullable<ModuleDefinition['messages']>>
type Handler<T extends RequestType> = NonNullable<MessageHandlers[T]>

/** A handler that needs the session's player in the world. */
function inWorld<T extends RequestType>(
  w: WorldService,
  fn: (p: PlayerEntity, req: RequestContext<T>) => ReturnType<Handler<T>>,
): Handler<T> {
  return ((req: RequestContext<T>) => {
    const p = w.playerOf(req.session)
    if (!('userId' in p)) return p as Rejection
    return fn(p, req)
  }) as Handler<T>
}

/** Every `world.*` request, each a thin call into the service's action files. */
export function worldHandlers(w: WorldService): MessageHandlers {
  return {
    'world.enter': ({ session }) => enter(w, session),
    'world.leave': async ({ session }) => {
      const p = w.players.get(session.user.userId)
      if (p && p.session === session) await leave(w, p, 'left')
      return {}
    },
    'world.move': inWorld<'world.move'>(w, (p, { payload }) => act.move(w, p, payload.dir)),
    'world.chunks': inWorld<'world.chunks'>(w, (p, { payload }) => act.chunks(w, p, payload)),
    'world.say': inWorld<'world.say'>(w, (p, { payload }) => act.say(w, p, payload.text)),
    'world.attack': inWorld<'world.attack'>(w, (p, { payload }) =>
      attack(w, p, { kind: payload.targetKind, id: payload.targetId }),
    ),
    'world.stop_attack': inWorld<'world.stop_attack'>(w, (p) => {
      p.target = null
      w.dirty(p, 'target')
      w.flushSelf(p)
      return {}
    }),
    'world.auto_retaliate': inWorld<'world.auto_retaliate'>(w, async (p, { payload }) => {
      p.record.autoRetaliate = payload.on
      w.dirty(p, 'autoRetaliate')
      await w.persist(p)
      return { autoRetaliate: payload.on }
    }),
    'world.inventory.move': inWorld<'world.inventory.move'>(w, (p, { payload }) =>
      act.inventoryMove(w, p, payload.from, payload.to),
    ),
    'world.inventory.sort': inWorld<'world.inventory.sort'>(w, (p, { payload }) =>
      act.inventorySort(w, p, payload.by),
    ),
    'world.inventory.drop': inWorld<'world.inventory.drop'>(w, (p, { payload }) =>
      act.drop(w, p, payload.slot, payload.quantity),
    ),
    'world.inventory.use': inWorld<'world.inventory.use'>(w, (p, { payload }) => act.use(w, p, payload.slot)),
    'world.pickup': inWorld<'world.pickup'>(w, (p, { payload }) => act.pickup(w, p, payload.groundItemId)),
    'world.equip': inWorld<'world.equip'>(w, (p, { payload }) => act.wear(w, p, payload.slot)),
    'world.unequip': inWorld<'world.unequip'>(w, (p, { payload }) => act.takeOff(w, p, payload.slot)),
    'world.appearance': inWorld<'world.appearance'>(w, (p, { payload }) =>
      act.setAppearance(w, p, payload.appearance),
    ),
    'world.state': inWorld<'world.state'>(w, (p) => p.self()),
    'world.stats': inWorld<'world.stats'>(w, (p) => {
      const { skills } = w.loaded.content
      const out: Record<string, { level: number; xp: number; nextLevelXp: number | null }> = {}
      for (const [id, s] of Object.entries(p.record.skills)) {
        const mult = skills.get(id)?.xpMultiplier ?? 1
        out[id] = { ...s, nextLevelXp: s.level >= MAX_LEVEL ? null : xpForLevel(s.level + 1, mult) }
      }
      const lv = (s: string) => levelOf(p.record.skills, s)
      const combatLevel = Math.floor(
        (lv('defence') + lv('hitpoints')) / 4 + (13 / 40) * (lv('attack') + lv('strength')),
      )
      return {
        skills: out,
        totalLevel: Object.values(p.record.skills).reduce((n, s) => n + s.level, 0),
        combatLevel,
        bonuses: { ...equipmentBonuses(p.record.equipment, w.loaded.content) },
        hp: { current: p.record.hp, max: p.maxHp },
      }
    }),
    'world.trade.request': inWorld<'world.trade.request'>(w, (p, { payload }) =>
      trade.requestTrade(w, p, payload.userId),
    ),
    'world.trade.offer': inWorld<'world.trade.offer'>(w, (p, { payload }) =>
      trade.offer(w, p, payload.slot, payload.quantity),
    ),
    'world.trade.withdraw': inWorld<'world.trade.withdraw'>(w, (p, { payload }) =>
      trade.withdraw(w, p, payload.index),
    ),
    'world.trade.accept': inWorld<'world.trade.accept'>(w, (p, { payload }) =>
      trade.accept(w, p, payload.tradeId, payload.revision),
    ),
    'world.trade.cancel': inWorld<'world.trade.cancel'>(w, async (p) => {
      await trade.cancelTradeOf(w, p, 'cancelled')
      return {}
    }),
    'world.admin.give': ({ session, payload }) => admin.give(w, session, payload),
    'world.admin.teleport': ({ session, payload }) => admin.teleport(w, session, payload),
    'world.admin.kick': ({ session, payload }) => admin.kick(w, session, payload.username),
    'world.admin.ban': ({ session, payload }) => admin.ban(w, session, payload),
  }
}
