import { regenerate } from '../rules/combat.ts'
import { respawnNpc, stepNpc } from '../rules/npc-ai.ts'
import { npcSwing, respawn, swingIfReady } from './combat.ts'
import type { MapInstance } from './map-instance.ts'
import type { WorldService } from './service.ts'

const SWEEP_EVERY_MS = 1000
/** Updates are superseded by the next: not kept for a resume, which resets the view instead (module.ts). */
const VOLATILE = { volatile: true }

/** One simulation tick: respawns, regeneration, NPC AI, auto-attacks; then the tick's puts in one batch. */
export function tick(w: WorldService, now: number): void {
  const start = performance.now()
  for (const m of w.maps.values()) {
    for (const p of m.players.values()) {
      if (p.respawnAt !== null) {
        if (now >= p.respawnAt) respawn(w, p)
        continue
      }
      const r = regenerate({ current: p.record.hp, max: p.maxHp }, p.lastRegenAt, now)
      p.lastRegenAt = r.lastRegenAt
      if (r.current !== p.record.hp) {
        p.record.hp = r.current
        m.touchPlayer(p)
        w.dirty(p, 'hp')
        w.later(p)
      }
    }
    stepNpcs(w, m, now)
    for (const p of m.players.values()) if (p.target) swingIfReady(w, p, m)
  }
  if (now - lastSweep.get(w)! >= SWEEP_EVERY_MS) {
    lastSweep.set(w, now)
    for (const m of w.maps.values()) sweepGround(m, now)
    w.queueWalkers()
  }
  for (const p of w.players.values()) w.flushSelf(p)
  w.persistPending()
  w.stats.record(performance.now() - start)
}

const lastSweep = new WeakMap<WorldService, number>()
/** Starts the ground sweep clock of a service. */
export function startSim(w: WorldService, now: number): void {
  lastSweep.set(w, now)
}

function stepNpcs(w: WorldService, m: MapInstance, now: number): void {
  for (const n of m.npcs.values()) {
    if (!n.alive) {
      const back = respawnNpc(n.state, n.profile, now, w.rng)
      if (back !== n.state) {
        n.state = back
        m.touchNpc(n, true, false)
      }
      continue
    }
    // With nobody around, an NPC has nothing to react to: let it idle without paying for its AI.
    const reach = n.profile.disengageRadius + n.profile.wanderRadius + 2
    const players = m.playersNear(n.state.spawn.x, n.state.spawn.y, reach)
    if (players.length === 0 && n.state.mode === 'idle') continue
    const before = n.state
    const step = stepNpc(
      before,
      n.profile,
      { grid: m.map, players: players.map((p) => ({ id: p.userId, x: p.x, y: p.y, alive: p.alive })) },
      now,
      w.rng,
    )
    n.state = step.npc
    let moved = false
    for (const intent of step.intents) {
      if (intent.type === 'move') moved = true
      else if (intent.type === 'attack') npcSwing(w, m, n, intent.targetId)
    }
    if (
      moved ||
      before.hp !== n.state.hp ||
      before.mode !== n.state.mode ||
      before.facing !== n.state.facing
    ) {
      m.touchNpc(n, moved, before.hp === n.state.hp && before.mode === n.state.mode)
    }
  }
}

/** Despawns expired ground items and reveals those whose protection ended. */
function sweepGround(m: MapInstance, now: number): void {
  for (const e of [...m.items.values()]) {
    if (now >= e.item.despawnAt) m.removeGroundItem(e.id)
    else if (
      e.item.owner !== null &&
      now >= e.item.protectedUntil &&
      now - 1000 - SWEEP_EVERY_MS < e.item.protectedUntil
    ) {
      e.version++
      m.grid.touchItem(e)
    }
  }
}

/** One send tick: every player gets what changed around them this round, if anything did. */
export function send(w: WorldService, now: number): void {
  const start = performance.now()
  for (const m of w.maps.values()) {
    m.roundUpdates(now, (viewers, update) =>
      w.ctx.sessions.broadcastMsgpack(
        viewers.map((p) => p.session),
        'world.update',
        update.length,
        update.write,
        VOLATILE,
      ),
    )
    m.endRound()
  }
  w.sendStats.record(performance.now() - start)
}
