import { z } from 'zod'
import { event, request } from './define.ts'
import {
  worldAppearance,
  worldChunk,
  worldDirection,
  worldEntityRef,
  worldEquipmentSlot,
  worldHp,
  worldItemStack,
  worldMapId,
  worldMapInfo,
  worldSelf,
  worldSkill,
  worldSlot,
  worldTradeView,
  worldUpdate,
} from './world-schemas.ts'

export * from './world-schemas.ts'

const username = z.string().min(1).max(50)
const empty = z.object({})
const position = z.object({
  map: z.string(),
  x: z.number().int(),
  y: z.number().int(),
  facing: worldDirection,
})
/** Seed cooldowns as token buckets: one action per period, a burst of one or two for network jitter. */
const every = (perMs: number, burst = 1) => ({ perMs, burst })

/** Numbers the client paces itself and lays out the world with. */
export const worldConfig = z.object({
  moveCooldownMs: z.number(),
  tileSize: z.number().int(),
  chunkSize: z.number().int(),
  /** Entities are visible at least this many tiles away (whole interest cells: up to a cell further). */
  viewRadius: z.number().int(),
  maxChunkRadius: z.number().int(),
  tickHz: z.number(),
  sendHz: z.number(),
  animationMs: z.number(),
})

export const worldMessages = {
  'world.enter': request({
    description:
      'Enter the world with your character (created on first entry). Replies with your state, the map and the ' +
      'numbers to pace yourself by; then `world.chunk_data` (3×3 around you) and `world.update` (what you see) follow. ' +
      'Over capacity answers `world.full` (admins bypass).',
    request: empty,
    response: z.object({
      playerId: z.string(),
      username: z.string(),
      map: worldMapInfo,
      self: worldSelf,
      config: worldConfig,
      motd: z.string(),
    }),
    limits: { maxBytes: 64, rate: every(1000, 3) },
  }),
  'world.leave': request({
    description: 'Leave the world (your character is saved; the session stays open for other modules).',
    request: empty,
    response: empty,
    limits: { maxBytes: 64, rate: every(1000, 3) },
  }),
  'world.move': request({
    description:
      'One step on the grid. One step per 150 ms (`world.move_cooldown` with retry-after otherwise); walls, ' +
      'water and the map edge refuse. Ends your attack. Stepping on a portal moves you to its destination ' +
      '(`world.map_changed` then `world.chunk_data`). Replies at once with your position; positions are stored ' +
      'within a second (a killed process loses at most the last second of walking).',
    request: z.object({ dir: worldDirection }),
    response: position,
    limits: { maxBytes: 64, rate: every(150, 2) },
  }),
  'world.chunks': request({
    description:
      'Tiles around a centre (x, y in tiles) of your current map: radius ≤ 2 chunks, centre within 80 tiles of you.',
    request: z.object({
      x: z.number().int(),
      y: z.number().int(),
      radius: z.number().int().min(0).max(8).default(1),
      map: worldMapId.optional(),
    }),
    response: z.object({ map: z.string(), chunks: z.array(worldChunk) }),
    limits: { maxBytes: 128, rate: every(250, 4) },
  }),
  'world.say': request({
    description:
      'Local chat: everyone who can see you (32 tiles or more) on your map receives it as `chat.message` on channel `local`. ' +
      'At most 280 characters. Global chat is `chat.send` on `global` (moderators and admins), direct ' +
      'messages `chat.dm`, your map is channel `world:<map>`.',
    request: z.object({ text: z.string().max(2000) }),
    response: z.object({ id: z.string(), at: z.number() }),
    limits: { maxBytes: 4096, rate: every(1000, 2) },
  }),
  'world.attack': request({
    description:
      'Attack an NPC or player next to you; you keep swinging at your weapon’s speed while in reach. Moving, ' +
      'dropping or picking up ends it.',
    request: z.object({ targetKind: z.enum(['npc', 'player']), targetId: z.string().min(1).max(64) }),
    response: empty,
    limits: { maxBytes: 128, rate: every(500, 2) },
  }),
  'world.stop_attack': request({
    description: 'Stop attacking.',
    request: empty,
    response: empty,
    limits: { maxBytes: 64, rate: every(250, 4) },
  }),
  'world.auto_retaliate': request({
    description: 'Turn automatic retaliation on or off (default on): hit back whoever attacks you.',
    request: z.object({ on: z.boolean() }),
    response: z.object({ autoRetaliate: z.boolean() }),
    limits: { maxBytes: 64, rate: every(500) },
  }),
  'world.inventory.move': request({
    description: 'Move a slot onto another: moves, merges stacks up to their limit, or swaps.',
    request: z.object({ from: worldSlot, to: worldSlot }),
    response: empty,
    limits: { maxBytes: 64, rate: every(500, 2) },
  }),
  'world.inventory.sort': request({
    description: 'Merge stacks and pack the inventory, ordered by category, rarity, value or name.',
    request: z.object({ by: z.enum(['category', 'rarity', 'value', 'name']) }),
    response: empty,
    limits: { maxBytes: 64, rate: every(500) },
  }),
  'world.inventory.drop': request({
    description:
      'Drop (part of) a slot on your tile. Only you see it during its protection time; it despawns by rarity.',
    request: z.object({ slot: worldSlot, quantity: z.number().int().min(1).optional() }),
    response: z.object({ groundItemId: z.string() }),
    limits: { maxBytes: 64, rate: every(200, 2) },
  }),
  'world.inventory.use': request({
    description: 'Eat or use the item in a slot (food heals).',
    request: z.object({ slot: worldSlot }),
    response: z.object({ hp: worldHp }),
    limits: { maxBytes: 64, rate: every(500) },
  }),
  'world.pickup': request({
    description: 'Pick up a ground item on the tile you stand on. What does not fit stays on the ground.',
    request: z.object({ groundItemId: z.string().min(1).max(64) }),
    response: z.object({ taken: z.number().int(), remaining: z.number().int() }),
    limits: { maxBytes: 128, rate: every(200, 2) },
  }),
  'world.equip': request({
    description:
      'Equip the item in an inventory slot (skill requirements, two-handed weapons exclude shields, arrows merge).',
    request: z.object({ slot: worldSlot }),
    response: empty,
    limits: { maxBytes: 64, rate: every(500, 2) },
  }),
  'world.unequip': request({
    description: 'Take off what is in an equipment slot; with a full inventory it drops to the ground.',
    request: z.object({ slot: worldEquipmentSlot }),
    response: empty,
    limits: { maxBytes: 64, rate: every(500, 2) },
  }),
  'world.appearance': request({
    description: 'Change how you look (options: `GET /api/world/appearance`).',
    request: z.object({ appearance: worldAppearance }),
    response: z.object({ appearance: worldAppearance }),
    limits: { maxBytes: 1024, rate: every(2000) },
  }),
  'world.state': request({
    description: 'Your full state: position, HP, inventory, equipment, skills, appearance.',
    request: empty,
    response: worldSelf,
    limits: { maxBytes: 64, rate: every(500, 4) },
  }),
  'world.stats': request({
    description: 'Your skills with levels, XP and XP to the next level, total level and combat bonuses.',
    request: empty,
    response: z.object({
      skills: z.record(z.string(), worldSkill.extend({ nextLevelXp: z.number().nullable() })),
      totalLevel: z.number().int(),
      combatLevel: z.number().int(),
      bonuses: z.record(z.string(), z.number()),
      hp: worldHp,
    }),
    limits: { maxBytes: 64, rate: every(500, 4) },
  }),
  'world.trade.request': request({
    description:
      'Ask a player near you (same map, within 32 tiles) to trade; if they already asked you, the trade opens.',
    request: z.object({ userId: z.string().min(1).max(64) }),
    response: z.object({ status: z.enum(['requested', 'opened']), tradeId: z.string().optional() }),
    limits: { maxBytes: 128, rate: every(1000, 2) },
  }),
  'world.trade.offer': request({
    description:
      'Put (part of) an inventory slot into your side of the open trade; it is held apart until the trade ends. ' +
      'Any change clears both acceptances.',
    request: z.object({ slot: worldSlot, quantity: z.number().int().min(1).optional() }),
    response: worldTradeView,
    limits: { maxBytes: 128, rate: every(200, 4) },
  }),
  'world.trade.withdraw': request({
    description: 'Take an entry of your offer (by index) back into your inventory. Clears both acceptances.',
    request: z.object({ index: z.number().int().min(0).max(27) }),
    response: worldTradeView,
    limits: { maxBytes: 64, rate: every(200, 4) },
  }),
  'world.trade.accept': request({
    description:
      'Accept the trade as it stands. When both have accepted, the offers swap at once (all or nothing).',
    request: z.object({ tradeId: z.string().min(1).max(64), revision: z.number().int().min(0).optional() }),
    response: z.object({ status: z.enum(['accepted', 'completed']) }),
    limits: { maxBytes: 128, rate: every(250, 4) },
  }),
  'world.trade.cancel': request({
    description: 'Cancel the open trade (or your pending request); offers go back to their owners.',
    request: empty,
    response: empty,
    limits: { maxBytes: 64, rate: every(500, 2) },
  }),
  'world.admin.give': request({
    description: 'Admins: give an item to a player in the world (1–1000).',
    request: z.object({
      username,
      item: z.string().min(1).max(64),
      quantity: z.number().int().min(1).max(1000),
    }),
    response: z.object({ added: z.number().int(), dropped: z.number().int() }),
    limits: { maxBytes: 256, rate: every(200, 5) },
  }),
  'world.admin.teleport': request({
    description:
      'Admins: move a player (yourself when no username) to a tile; an unwalkable tile is corrected.',
    request: z.object({
      username: username.optional(),
      map: worldMapId,
      x: z.number().int(),
      y: z.number().int(),
    }),
    response: position,
    limits: { maxBytes: 256, rate: every(200, 5) },
  }),
  'world.admin.kick': request({
    description: 'Moderators and admins: disconnect a player.',
    request: z.object({ username }),
    response: empty,
    limits: { maxBytes: 256, rate: every(500, 5) },
  }),
  'world.admin.ban': request({
    description: 'Admins: ban a player (minutes, or permanently) and disconnect them.',
    request: z.object({
      username,
      minutes: z.number().int().min(1).max(525_600).optional(),
      reason: z.string().max(500).optional(),
    }),
    response: empty,
    limits: { maxBytes: 1024, rate: every(500, 5) },
  }),
  'world.chunk_data': event({
    description:
      'Tiles pushed when you enter a map (the 3×3 chunks around you) or cross into another chunk (those of the new ' +
      '3×3 you did not have yet).',
    payload: z.object({ map: z.string(), chunks: z.array(worldChunk) }),
  }),
  'world.update': event({
    description:
      'What changed in view (the interest cells within 32 tiles of yours) — players, NPCs, ground items added, changed and removed (left range, ' +
      'died, despawned, picked up) and, compactly, `moved` ([ref, x, y, facing] of those that only stepped or ' +
      'turned, named by the `ref` of the view you hold) — sent at the send rate only when something changed. ' +
      '`moved` and `changed` may list yourself (players in one interest cell share an update): skip your own id, ' +
      'and refs you hold no view of. Volatile: it carries no `seq` and is not ' +
      'replayed on a resume (the next one supersedes it); the first one on a map and the first after a resume have ' +
      '`reset: true` and add everything in view.',
    payload: worldUpdate,
  }),
  'world.self': event({
    description: 'Your own state changed: only the changed fields (HP, inventory, equipment, skills, …).',
    payload: worldSelf.partial().extend({
      /** XP gained by skill since the last event, for floating numbers. */
      xp: z.record(z.string(), z.number()).optional(),
      levelUps: z.array(z.object({ skill: z.string(), level: z.number().int() })).optional(),
    }),
  }),
  'world.died': event({
    description: 'You died: what you carried lies on the death tile; you respawn at `respawnAt`.',
    payload: z.object({
      map: z.string(),
      x: z.number().int(),
      y: z.number().int(),
      killer: worldEntityRef.nullable(),
      respawnAt: z.number(),
    }),
  }),
  'world.respawned': event({
    description: 'You are back at the spawn with full HP.',
    payload: z.object({ map: z.string(), x: z.number().int(), y: z.number().int(), hp: worldHp }),
  }),
  'world.map_changed': event({
    description: 'You are on another map now (portal, respawn, teleport); chunks and a full update follow.',
    payload: z.object({
      map: worldMapInfo,
      x: z.number().int(),
      y: z.number().int(),
      facing: worldDirection,
    }),
  }),
  'world.trade.requested': event({
    description: 'A player near you wants to trade (answer with `world.trade.request` naming them).',
    payload: z.object({ from: z.object({ userId: z.string(), username: z.string() }) }),
  }),
  'world.trade.updated': event({
    description: 'The open trade changed (opened, offers, acceptances).',
    payload: worldTradeView,
  }),
  'world.trade.closed': event({
    description: 'The trade ended: completed (items swapped), cancelled, or the other left.',
    payload: z.object({
      tradeId: z.string(),
      reason: z.enum(['completed', 'cancelled', 'left', 'no_room']),
      received: z.array(worldItemStack),
    }),
  }),
} as const
