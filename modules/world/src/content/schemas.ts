import { worldEquipmentSlot } from '@tavern/protocol'
import { z } from 'zod'

export const rarities = ['poor', 'common', 'uncommon', 'rare', 'epic', 'legendary'] as const
export type Rarity = (typeof rarities)[number]

export const itemCategories = [
  'weapon',
  'armour',
  'tool',
  'ammunition',
  'material',
  'consumable',
  'currency',
] as const
export type ItemCategory = (typeof itemCategories)[number]

/** The 11 equipment slots, in display order; the protocol package owns the list. */
export const equipmentSlots = worldEquipmentSlot.options
export type EquipmentSlot = (typeof equipmentSlots)[number]

export const npcBehaviours = ['passive', 'neutral', 'aggressive', 'guard', 'merchant', 'quest_giver'] as const
export type NpcBehaviour = (typeof npcBehaviours)[number]

/** The most of one item a stack may hold, by category: gear 1, materials and consumables 64, ammunition 8192. */
export const STACK_LIMITS: Readonly<Record<ItemCategory, number>> = {
  weapon: 1,
  armour: 1,
  tool: 1,
  ammunition: 8192,
  material: 64,
  consumable: 64,
  currency: 2 ** 31 - 1,
}

const id = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _, starting with a letter')
  .max(64)
const level = z.number().int().min(1).max(99)
const bonus = z.number().int().min(-200).max(500)

export const itemStatsSchema = z
  .object({
    attack: bonus.default(0),
    strength: bonus.default(0),
    rangedAttack: bonus.default(0),
    rangedStrength: bonus.default(0),
    magicAttack: bonus.default(0),
    magicDamage: bonus.default(0),
    physicalDefence: bonus.default(0),
    magicDefence: bonus.default(0),
    health: bonus.default(0),
    speed: bonus.default(0),
  })
  .strict()
export type ItemStats = z.infer<typeof itemStatsSchema>

export const itemSchema = z
  .object({
    id,
    name: z.string().min(1).max(60),
    description: z.string().max(300).optional(),
    category: z.enum(itemCategories),
    rarity: z.enum(rarities),
    value: z.number().int().min(0),
    equipmentSlot: z.enum(equipmentSlots).optional(),
    twoHanded: z.boolean().default(false),
    /** Skill id → level needed to equip. */
    requirements: z.record(z.string(), level).default({}),
    stats: itemStatsSchema.default(itemStatsSchema.parse({})),
    /** Seconds between attacks with this weapon. */
    attackSpeed: z.number().min(0.6).max(10).default(3),
    /** Hits the item survives; it loses one per hit (gear only). */
    durability: z.number().int().min(1).optional(),
    /** Hit points restored when eaten. */
    heals: z.number().int().min(1).optional(),
    /** Icon id in icons/items.json; defaults to the item id. */
    icon: id.optional(),
  })
  .strict()
  .superRefine((item, ctx) => {
    const gear = item.category === 'weapon' || item.category === 'armour'
    if (gear && !item.equipmentSlot)
      ctx.addIssue({
        code: 'custom',
        path: ['equipmentSlot'],
        message: `${item.category} needs an equipment slot`,
      })
    if (item.category === 'ammunition' && item.equipmentSlot !== 'ammo') {
      ctx.addIssue({ code: 'custom', path: ['equipmentSlot'], message: 'ammunition goes in the ammo slot' })
    }
    if (item.equipmentSlot === 'ammo' && item.category !== 'ammunition') {
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'only ammunition goes in the ammo slot' })
    }
    if (item.twoHanded && item.equipmentSlot !== 'weapon') {
      ctx.addIssue({ code: 'custom', path: ['twoHanded'], message: 'only weapons can be two-handed' })
    }
    if (item.durability !== undefined && STACK_LIMITS[item.category] !== 1) {
      ctx.addIssue({ code: 'custom', path: ['durability'], message: 'only unstackable gear has durability' })
    }
  })
export type ItemInput = z.input<typeof itemSchema>
/** An item definition with its defaults applied and its stack limit derived from the category. */
export type ItemDef = z.infer<typeof itemSchema> & { readonly maxStack: number; readonly icon: string }

const lootEntry = z
  .object({
    item: id,
    /** Probability of this entry dropping, 0 < chance ≤ 1. */
    chance: z.number().gt(0).max(1),
    min: z.number().int().min(1).default(1),
    max: z.number().int().min(1).default(1),
  })
  .strict()
  .refine((l) => l.max >= l.min, { message: 'max must be ≥ min', path: ['max'] })

export const npcSchema = z
  .object({
    id,
    name: z.string().min(1).max(60),
    behaviour: z.enum(npcBehaviours),
    hitpoints: z.number().int().min(1).max(10_000),
    levels: z
      .object({ attack: level.default(1), strength: level.default(1), defence: level.default(1) })
      .strict()
      .default({ attack: 1, strength: 1, defence: 1 }),
    bonuses: z
      .object({ attack: bonus.default(0), strength: bonus.default(0), defence: bonus.default(0) })
      .strict()
      .default({ attack: 0, strength: 0, defence: 0 }),
    aggroRadius: z.number().int().min(0).max(64).default(0),
    disengageRadius: z.number().int().min(1).max(128).default(12),
    wanderRadius: z.number().int().min(0).max(64).default(3),
    size: z
      .object({ width: z.number().int().min(1).max(4), height: z.number().int().min(1).max(4) })
      .strict()
      .default({ width: 1, height: 1 }),
    respawnSeconds: z.number().int().min(1).max(86_400).default(30),
    attackSpeed: z.number().min(0.6).max(10).default(3),
    /** Milliseconds between steps while wandering; chasing uses half of it. */
    moveIntervalMs: z.number().int().min(150).max(10_000).default(800),
    sprite: id.optional(),
    loot: z.array(lootEntry).default([]),
    shop: z.array(z.object({ item: id, price: z.number().int().min(0).optional() }).strict()).optional(),
    dialogue: z.array(z.string().min(1).max(500)).optional(),
  })
  .strict()
  .superRefine((npc, ctx) => {
    if (npc.disengageRadius < npc.aggroRadius) {
      ctx.addIssue({
        code: 'custom',
        path: ['disengageRadius'],
        message: 'must be at least the aggro radius',
      })
    }
    if (npc.behaviour === 'aggressive' && npc.aggroRadius === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['aggroRadius'],
        message: 'an aggressive NPC needs an aggro radius',
      })
    }
    if (npc.shop && npc.behaviour !== 'merchant')
      ctx.addIssue({ code: 'custom', path: ['shop'], message: 'only merchants have a shop' })
  })
export type NpcDef = z.infer<typeof npcSchema> & { readonly sprite: string }

export const skillSchema = z
  .object({
    id,
    name: z.string().min(1).max(40),
    category: z.enum(['combat', 'gathering', 'artisan']),
    /** Scales the XP curve: gathering 0.8, cooking 0.7, everything else 1. */
    xpMultiplier: z.number().gt(0).max(10),
    startLevel: level.default(1),
  })
  .strict()
export type SkillDef = z.infer<typeof skillSchema>

/** The parts of the art manifests (icons/items.json, sprites/npcs.json) that content refers to. */
export const iconManifestSchema = z.object({ icons: z.record(z.string(), z.unknown()) }).loose()
export const spriteManifestSchema = z.object({ sprites: z.record(z.string(), z.unknown()) }).loose()
