import { type Rejection, reject } from '@tavern/server'
import {
  attackerXp,
  checkAttack,
  defenderXp,
  npcCombatStats,
  playerCombatStats,
  type Rect,
  rollAttack,
} from '../rules/combat.ts'
import { attackSpeedOf, emptyEquipment } from '../rules/equipment.ts'
import { deathDrops, placeOnGround } from '../rules/ground-items.ts'
import { emptyInventory } from '../rules/inventory.ts'
import { damageNpc, isAttackable, rollLoot } from '../rules/npc-ai.ts'
import { addXpMany } from '../rules/skills.ts'
import { refused } from './actions.ts'
import type { NpcEntity, PlayerEntity, TargetRef } from './entities.ts'
import type { MapInstance } from './map-instance.ts'
import { changeMap } from './presence.ts'
import type { WorldService } from './service.ts'
import { cancelTradeOf } from './trade.ts'

const rectOf = (p: { x: number; y: number }): Rect => ({ x: p.x, y: p.y, width: 1, height: 1 })

function resolveTarget(
  m: MapInstance,
  t: TargetRef,
): { rect: Rect; alive: boolean; attackable: boolean } | null {
  if (t.kind === 'player') {
    const q = m.players.get(t.id)
    return q ? { rect: rectOf(q), alive: q.alive, attackable: true } : null
  }
  const n = m.npcs.get(t.id)
  if (!n) return null
  return {
    rect: { x: n.x, y: n.y, width: n.profile.size.width, height: n.profile.size.height },
    alive: n.alive,
    attackable: isAttackable(n.profile.behaviour),
  }
}

/** Starts attacking a target next to the player; the first swing happens now if the weapon is ready. */
export function attack(
  w: WorldService,
  p: PlayerEntity,
  target: TargetRef,
): Record<string, never> | Rejection {
  const m = w.mapOf(p)
  const t = resolveTarget(m, target)
  if (!t)
    return reject(
      target.kind === 'player' && target.id === p.userId
        ? 'world.combat_self'
        : 'world.combat_target_not_found',
    )
  const ok = checkAttack(
    {
      self: target.kind === 'player' && target.id === p.userId,
      attackerAlive: p.alive,
      sameMap: true,
      attackable: t.attackable,
      targetAlive: t.alive,
      attacker: rectOf(p),
      target: t.rect,
      lastAttackAt: null,
      attackSpeedMs: 0,
    },
    w.now,
  )
  if (!ok.ok) return refused(ok)
  p.target = target
  w.dirty(p, 'target')
  swingIfReady(w, p, m)
  w.flushSelf(p)
  return {}
}

/** One swing when the weapon is ready and the target in reach; drops the target when it is gone or dead. */
export function swingIfReady(w: WorldService, p: PlayerEntity, m: MapInstance): void {
  const target = p.target
  if (!target || !p.alive) return
  const t = resolveTarget(m, target)
  if (!t?.alive) {
    p.target = null
    w.dirty(p, 'target')
    return
  }
  const now = w.now
  const speedMs = attackSpeedOf(p.record.equipment, w.loaded.content) * 1000
  if (p.lastAttackAt !== null && now < p.lastAttackAt + speedMs) return
  if (
    Math.max(
      0,
      t.rect.x - p.x,
      p.x - (t.rect.x + t.rect.width - 1),
      t.rect.y - p.y,
      p.y - (t.rect.y + t.rect.height - 1),
    ) !== 1
  )
    return
  p.lastAttackAt = now
  const { content } = w.loaded
  const mine = playerCombatStats(p.record.skills, p.record.equipment, content)
  if (target.kind === 'npc') {
    const n = m.npcs.get(target.id) as NpcEntity
    const out = rollAttack(mine, npcCombatStats(n.def), n.state.hp, w.rng)
    if (out.hit) wearWeapon(w, p)
    const r = damageNpc(n.state, out.damage, p.userId, now)
    n.state = r.npc
    m.touchNpc(n)
    hitSplat(w, m, { kind: 'player', id: p.userId }, target, out.hit, out.damage, n.state.hp, n.profile.maxHp)
    gainXp(w, p, attackerXp(out.damage))
    if (r.died) npcDied(w, m, n, p)
  } else {
    const q = m.players.get(target.id) as PlayerEntity
    const theirs = playerCombatStats(q.record.skills, q.record.equipment, content)
    const out = rollAttack(mine, theirs, q.record.hp, w.rng)
    if (out.hit) wearWeapon(w, p)
    gainXp(w, p, attackerXp(out.damage))
    hurtPlayer(w, m, q, { kind: 'player', id: p.userId }, out)
  }
}

/** A weapon loses one durability per hit and breaks at zero (the seed's wear rule). */
function wearWeapon(w: WorldService, p: PlayerEntity): void {
  const weapon = p.record.equipment.weapon
  if (weapon?.durability === undefined) return
  const left = weapon.durability - 1
  p.record.equipment = { ...p.record.equipment, weapon: left > 0 ? { ...weapon, durability: left } : null }
  w.dirty(p, 'equipment')
  if (left <= 0) {
    w.refreshMaxHp(p)
    w.mapOf(p).touchPlayer(p)
  }
  w.later(p)
}

function hitSplat(
  w: WorldService,
  m: MapInstance,
  attacker: TargetRef,
  target: TargetRef,
  hit: boolean,
  damage: number,
  targetHp: number,
  targetMaxHp: number,
): void {
  const at = target.kind === 'npc' ? m.npcs.get(target.id)! : m.players.get(target.id)!
  m.swing(at.x, at.y, {
    attacker,
    target,
    hit,
    damage,
    targetHp,
    targetMaxHp,
    at: w.now,
  })
}

/** Damage to a player from anyone: XP for defending, auto-retaliation, death. */
function hurtPlayer(
  w: WorldService,
  m: MapInstance,
  q: PlayerEntity,
  by: TargetRef,
  out: { hit: boolean; damage: number; defenderHp: number; killed: boolean },
): void {
  q.record.hp = out.defenderHp
  w.later(q)
  m.touchPlayer(q)
  w.dirty(q, 'hp')
  hitSplat(w, m, by, { kind: 'player', id: q.userId }, out.hit, out.damage, q.record.hp, q.maxHp)
  gainXp(w, q, defenderXp(out))
  if (!q.target && q.record.autoRetaliate && q.record.hp > 0) {
    q.target = by
    w.dirty(q, 'target')
  }
  if (q.record.hp <= 0) playerDied(w, m, q, by)
}

function gainXp(w: WorldService, p: PlayerEntity, awards: Record<string, number>): void {
  if (Object.keys(awards).length === 0) return
  const before = p.record.skills
  p.record.skills = addXpMany(before, w.loaded.content.skills, awards)
  for (const [skill, amount] of Object.entries(awards)) {
    p.xpGained[skill] = (p.xpGained[skill] ?? 0) + amount
    const lv = p.record.skills[skill]?.level ?? 1
    if (lv > (before[skill]?.level ?? 1)) p.levelUps.push({ skill, level: lv })
  }
  w.dirty(p, 'skills')
  w.refreshMaxHp(p)
  w.later(p)
}

function npcDied(w: WorldService, m: MapInstance, n: NpcEntity, killer: PlayerEntity): void {
  for (const stack of rollLoot(n.def, w.rng)) {
    m.addGroundItem(
      placeOnGround(w.mint(stack), { map: m.id, x: n.x, y: n.y }, killer.userId, w.now, w.ground),
    )
  }
  for (const p of m.players.values()) {
    if (p.target?.kind === 'npc' && p.target.id === n.id) {
      p.target = null
      w.dirty(p, 'target')
    }
  }
  void w.persistGround(m)
}

/** Everything carried drops on the death tile (with timers); respawn follows after the configured delay. */
export function playerDied(w: WorldService, m: MapInstance, q: PlayerEntity, killer: TargetRef | null): void {
  void cancelTradeOf(w, q, 'cancelled')
  const now = w.now
  for (const gi of deathDrops(
    q.record.inventory,
    q.record.equipment,
    { id: q.userId, ...q.record },
    now,
    w.ground,
  ))
    m.addGroundItem(gi)
  q.record.inventory = emptyInventory()
  q.record.equipment = emptyEquipment()
  q.record.hp = 0
  q.record.dead = true
  q.target = null
  q.respawnAt = now + w.config.respawnMs
  w.refreshMaxHp(q)
  for (const other of m.players.values()) {
    if (other.target?.kind === 'player' && other.target.id === q.userId) {
      other.target = null
      w.dirty(other, 'target')
    }
  }
  m.touchPlayer(q)
  w.dirty(q, 'inventory', 'equipment', 'hp', 'dead', 'target')
  q.session.send('world.died', { map: m.id, x: q.x, y: q.y, killer, respawnAt: q.respawnAt })
  void w.persist(q)
  void w.persistGround(m)
}

/** Back at the start map's spawn with full HP. */
export function respawn(w: WorldService, q: PlayerEntity): void {
  q.respawnAt = null
  q.record.dead = false
  q.record.hp = q.maxHp
  const start = w.maps.get(w.config.startMap)!
  const at = start.map.findSpawnPosition()
  changeMap(w, q, start.id, at.x, at.y)
  w.mapOf(q).touchPlayer(q)
  q.lastRegenAt = w.now
  w.dirty(q, 'hp', 'dead', 'x', 'y', 'map')
  q.session.send('world.respawned', {
    map: q.map,
    x: q.x,
    y: q.y,
    hp: { current: q.record.hp, max: q.maxHp },
  })
  void w.persist(q)
}

/** An NPC's swing at a player. */
export function npcSwing(w: WorldService, m: MapInstance, n: NpcEntity, targetId: string): void {
  const q = m.players.get(targetId)
  if (!q?.alive) return
  const theirs = playerCombatStats(q.record.skills, q.record.equipment, w.loaded.content)
  const out = rollAttack(npcCombatStats(n.def), theirs, q.record.hp, w.rng)
  hurtPlayer(w, m, q, { kind: 'npc', id: n.id }, out)
}
