import { z } from 'zod'

/** Roles inside one tabletop session (not the account role): checked on every action against the session. */
export const tableRole = z.enum(['gm', 'player', 'spectator'])
export type TableRole = z.infer<typeof tableRole>

export const tableStatus = z.enum(['scheduled', 'in_progress', 'paused', 'completed'])
export type TableStatus = z.infer<typeof tableStatus>

export const tablePhase = z.enum(['roleplay', 'exploration', 'combat', 'downtime'])
export type TablePhase = z.infer<typeof tablePhase>

/** Who sees a roll (as Foundry): everyone, roller + GM, GM only (the roller sees that they rolled), roller only. */
export const rollMode = z.enum(['public', 'gm', 'blind', 'self'])
export type RollMode = z.infer<typeof rollMode>

export const tableSessionId = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -')

export const memberRef = z.object({ userId: z.string(), username: z.string(), role: tableRole })
export type MemberRef = z.infer<typeof memberRef>

export const tableMember = memberRef.extend({ online: z.boolean() })
export type TableMember = z.infer<typeof tableMember>

/** Enough to recompute a roll once the server seed of its epoch is revealed. */
export const fairRecord = z.object({
  epoch: z.number().int(),
  notation: z.string(),
  clientSeed: z.string(),
  nonce: z.number().int(),
  total: z.number(),
  draws: z.array(z.number()),
})
export type TableFairRecord = z.infer<typeof fairRecord>

/** A server-side roll: the dice engine's result tree (every die, with its marks) and its fairness record. */
export const tableRoll = z.object({
  notation: z.string(),
  total: z.number(),
  text: z.string(),
  root: z.record(z.string(), z.unknown()).describe("The dice engine's RollNode tree"),
  record: fairRecord,
})
export type TableRoll = z.infer<typeof tableRoll>

const inlineRoll = z.object({ start: z.number(), end: z.number(), source: z.string(), roll: tableRoll })

const entryBase = { seq: z.number().int(), at: z.number(), from: memberRef.nullable() }

/** One line of the append-only session log, as one viewer may see it. */
export const tableEntry = z.discriminatedUnion('kind', [
  z.object({ ...entryBase, kind: z.literal('chat'), text: z.string(), inline: z.array(inlineRoll) }),
  z.object({
    ...entryBase,
    kind: z.literal('whisper'),
    text: z.string(),
    to: z.array(memberRef),
    inline: z.array(inlineRoll),
  }),
  z.object({ ...entryBase, kind: z.literal('narration'), text: z.string(), gmOnly: z.boolean() }),
  z.object({
    ...entryBase,
    kind: z.literal('action'),
    action: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
  z.object({
    ...entryBase,
    kind: z.literal('roll'),
    mode: rollMode,
    label: z.string().nullable(),
    /** Null for the roller of a blind roll: they see that they rolled, not what. */
    roll: tableRoll.nullable(),
  }),
  z.object({
    ...entryBase,
    kind: z.literal('reaction'),
    target: z.number().int(),
    emoji: z.string(),
    on: z.boolean(),
  }),
  z.object({
    ...entryBase,
    kind: z.literal('system'),
    event: z.enum(['session', 'turn', 'combat', 'initiative', 'seed', 'member']),
    text: z.string(),
    rolls: z.array(tableRoll),
  }),
])
export type TableEntry = z.infer<typeof tableEntry>
export type TableEntryKind = TableEntry['kind']

export const combatant = z.object({
  id: z.string(),
  name: z.string(),
  /** The user who plays it (null: a GM creature). */
  owner: z.string().nullable(),
  hp: z.number().int(),
  maxHp: z.number().int(),
  tempHp: z.number().int(),
  initBonus: z.number().int(),
  initiative: z.number().nullable(),
  hidden: z.boolean(),
  conditions: z.array(z.string()),
})
export type Combatant = z.infer<typeof combatant>

export const combatView = z.object({
  active: z.boolean(),
  round: z.number().int(),
  /** Whose turn it is; null before the first turn, or when it is a combatant hidden from you. */
  turnId: z.string().nullable(),
  /** In turn order: initiative descending, ties by bonus, then a stable roll-off. */
  combatants: z.array(combatant),
  timerSeconds: z.number().int().nullable(),
  turnEndsAt: z.number().nullable(),
})
export type CombatView = z.infer<typeof combatView>

export const sceneToken = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string().nullable(),
  x: z.number().int(),
  y: z.number().int(),
  hidden: z.boolean(),
  image: z.string().nullable(),
})
export type SceneToken = z.infer<typeof sceneToken>

export const fogRect = z.object({
  id: z.string(),
  x: z.number().int(),
  y: z.number().int(),
  w: z.number().int(),
  h: z.number().int(),
})
export type FogRect = z.infer<typeof fogRect>

export const sceneView = z.object({
  mapUrl: z.string().nullable(),
  grid: z.object({ w: z.number().int(), h: z.number().int(), cell: z.number().int() }),
  tokens: z.array(sceneToken),
  /** Areas the GM hid; players receive the rectangles, never the tokens under them. */
  fog: z.array(fogRect),
})
export type SceneView = z.infer<typeof sceneView>

export const fairnessView = z.object({
  epoch: z.number().int(),
  /** SHA-256 (hex) of the current server seed, published before any roll made with it. */
  commitment: z.string(),
  defaultClientSeed: z.string(),
})

export const tableSessionView = z.object({
  id: z.string(),
  campaignId: z.string(),
  title: z.string(),
  status: tableStatus,
  phase: tablePhase,
  scheduledAt: z.number().nullable(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  createdAt: z.number(),
})
export type TableSessionView = z.infer<typeof tableSessionView>

/** What `table.join` answers: the room as you may see it. */
export const tableRoomView = z.object({
  session: tableSessionView,
  you: memberRef,
  members: z.array(tableMember),
  fairness: fairnessView,
  combat: combatView,
  scene: sceneView,
  /** The latest log entries you may see, oldest first; page further back with `table.history`. */
  recent: z.array(tableEntry),
})
export type TableRoomView = z.infer<typeof tableRoomView>
