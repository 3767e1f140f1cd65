import { z } from 'zod'

/** Shapes shared by the world's requests, events and REST routes. */

export const worldDirection = z.enum(['up', 'down', 'left', 'right'])
export type WorldDirection = z.infer<typeof worldDirection>

export const worldMapId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits and _ . -')

export const worldEquipmentSlot = z.enum([
  'head',
  'cape',
  'amulet',
  'weapon',
  'body',
  'shield',
  'legs',
  'gloves',
  'boots',
  'ring',
  'ammo',
])
export type WorldEquipmentSlot = z.infer<typeof worldEquipmentSlot>

/** Inventory slots are 0–27. */
export const worldSlot = z.number().int().min(0).max(27)
const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #a0522d')
const style = z.number().int().min(0).max(15)

/** How a character looks; every field is an index or colour from `GET /api/world/appearance`. */
export const worldAppearance = z.object({
  body: z.string().min(1).max(32),
  skin: style,
  head: style,
  hairStyle: style,
  hairColour: hex,
  eyes: hex,
  facialHair: style,
  shirtStyle: style,
  shirtColour: hex,
  pantsStyle: style,
  pantsColour: hex,
  shoesStyle: style,
  shoesColour: hex,
})
export type WorldAppearance = z.infer<typeof worldAppearance>

export const worldItemStack = z.object({
  item: z.string(),
  quantity: z.number().int(),
  durability: z.number().int().optional(),
  /** Identity of one piece of unstackable gear. */
  uid: z.string().optional(),
})
export type WorldItemStack = z.infer<typeof worldItemStack>

export const worldSkill = z.object({ level: z.number().int(), xp: z.number() })

export const worldHp = z.object({ current: z.number().int(), max: z.number().int() })

/** A map as clients need it to lay out chunks. */
export const worldMapInfo = z.object({
  id: z.string(),
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  originX: z.number().int(),
  originY: z.number().int(),
  tileWidth: z.number().int(),
  tileHeight: z.number().int(),
})
export type WorldMapInfo = z.infer<typeof worldMapInfo>

/** A 16×16 block of tiles: visible layers as row-major gids, and one 16-bit walkability mask per row. */
export const worldChunk = z.object({
  cx: z.number().int(),
  cy: z.number().int(),
  x: z.number().int(),
  y: z.number().int(),
  size: z.number().int(),
  layers: z.array(
    z.object({
      name: z.string(),
      gids: z.array(z.number().int()),
      flips: z.array(z.number().int()).optional(),
    }),
  ),
  walkable: z.array(z.number().int()),
})
export type WorldChunk = z.infer<typeof worldChunk>

/**
 * A number the server gives a player or NPC while it is on a map, for `moved` (a step names the entity by it, not by
 * its id: steps are most of an update's bytes). Unique on the map while the entity is there; a player who logs out
 * and in again gets a new one, with a new view.
 */
const worldRef = z.number().int().nonnegative()

/** Another player as viewers see them. */
export const worldPlayerView = z.object({
  id: z.string(),
  ref: worldRef,
  name: z.string(),
  x: z.number().int(),
  y: z.number().int(),
  facing: worldDirection,
  hp: z.number().int(),
  maxHp: z.number().int(),
  dead: z.boolean(),
  /** Appearance changes only on `world.appearance`; diffs repeat it only then. */
  appearance: worldAppearance.optional(),
  weapon: z.string().nullable(),
})
export type WorldPlayerView = z.infer<typeof worldPlayerView>

export const worldNpcView = z.object({
  id: z.string(),
  ref: worldRef,
  /** The NPC definition (`npcs.json`), which names its sprite. */
  kind: z.string(),
  name: z.string(),
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  facing: worldDirection,
  hp: z.number().int(),
  maxHp: z.number().int(),
  mode: z.enum(['idle', 'wander', 'combat', 'returning', 'dead']),
  attackable: z.boolean(),
})
export type WorldNpcView = z.infer<typeof worldNpcView>

export const worldGroundItemView = z.object({
  id: z.string(),
  item: z.string(),
  quantity: z.number().int(),
  x: z.number().int(),
  y: z.number().int(),
  /** Set while only its owner may see and take it. */
  protectedUntil: z.number().nullable(),
  despawnAt: z.number(),
})
export type WorldGroundItemView = z.infer<typeof worldGroundItemView>

const diff = <T extends z.ZodType>(view: T) =>
  z.object({ added: z.array(view), changed: z.array(view), removed: z.array(z.string()) }).partial()

/**
 * `[ref, x, y, facing]` of an entity whose only change since your last update is where it stands and faces:
 * apply it to the view you hold with that `ref` (the common case, sent compactly). A ref you hold no view of is
 * your own step (players in one interest cell share an update): skip it.
 */
export const worldMoved = z.tuple([worldRef, z.number().int(), z.number().int(), worldDirection])
const moving = <T extends z.ZodType>(view: T) => diff(view).extend({ moved: z.array(worldMoved).optional() })

export const worldEntityRef = z.object({ kind: z.enum(['npc', 'player']), id: z.string() })

/** A swing (a hit splat): who hit whom, whether it landed, the damage and the target's HP after it. */
export const worldSwing = z.object({
  attacker: worldEntityRef,
  target: worldEntityRef,
  hit: z.boolean(),
  damage: z.number().int(),
  targetHp: z.number().int(),
  targetMaxHp: z.number().int(),
  /** Server time of the swing. */
  at: z.number(),
})
export type WorldSwing = z.infer<typeof worldSwing>

/** What changed within your view since the last `world.update`. Omitted sections did not change. */
export const worldUpdate = z.object({
  map: z.string(),
  /** Server time of the simulation tick this diff describes. */
  at: z.number(),
  /**
   * This update describes your view from scratch (the first on a map, and the first after a resume: updates sent
   * while away are not replayed): drop the players, NPCs and ground items you held; it adds everything in view.
   */
  reset: z.literal(true).optional(),
  players: moving(worldPlayerView).optional(),
  npcs: moving(worldNpcView).optional(),
  items: diff(worldGroundItemView).optional(),
  /** Swings near you since the last update, oldest first within each interest cell. */
  combat: z.array(worldSwing).optional(),
})
export type WorldUpdate = z.infer<typeof worldUpdate>

/** Your own state; events carry only what changed. */
export const worldSelf = z.object({
  map: z.string(),
  x: z.number().int(),
  y: z.number().int(),
  facing: worldDirection,
  hp: worldHp,
  dead: z.boolean(),
  inventory: z.array(worldItemStack.nullable()),
  equipment: z.record(worldEquipmentSlot, worldItemStack.nullable()),
  skills: z.record(z.string(), worldSkill),
  totalLevel: z.number().int(),
  appearance: worldAppearance,
  autoRetaliate: z.boolean(),
  /** What you are attacking, if anything. */
  target: z.object({ kind: z.enum(['npc', 'player']), id: z.string() }).nullable(),
  /** Items held in an open trade (returned if it is cancelled). */
  escrow: z.array(worldItemStack),
})
export type WorldSelf = z.infer<typeof worldSelf>

export const worldTradeView = z.object({
  tradeId: z.string(),
  /** Goes up on every change; pass it to `world.trade.accept` to accept exactly what you saw. */
  revision: z.number().int(),
  with: z.object({ userId: z.string(), username: z.string() }),
  mine: z.array(worldItemStack),
  theirs: z.array(worldItemStack),
  myAccepted: z.boolean(),
  theirAccepted: z.boolean(),
})
export type WorldTradeView = z.infer<typeof worldTradeView>
