import { z } from 'zod'
import { event, request } from './define.ts'
import {
  combatView,
  fairnessView,
  rollMode,
  sceneToken,
  sceneView,
  tableEntry,
  tableMember,
  tablePhase,
  tableRoomView,
  tableSessionId,
  tableStatus,
} from './table-schemas.ts'

export * from './table-schemas.ts'

const sid = { sessionId: tableSessionId }
const text = z.string().max(4000)
const name = z.string().trim().min(1).max(64)
const id = z.string().min(1).max(40)
const cell = z.number().int().min(0).max(999)
const hp = z.number().int().min(0).max(1_000_000)
const condition = z.string().trim().min(1).max(32)
const httpUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL')

/** GM actions of the combat tracker. */
export const combatAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }),
  z.object({ type: z.literal('end') }),
  z.object({
    type: z.literal('add'),
    name,
    owner: z.string().max(40).nullable().default(null),
    hp,
    maxHp: hp.optional(),
    tempHp: hp.default(0),
    initBonus: z.number().int().min(-100).max(100).default(0),
    hidden: z.boolean().default(false),
  }),
  z.object({ type: z.literal('remove'), id }),
  z.object({ type: z.literal('roll_initiative'), ids: z.array(id).max(100).optional() }),
  z.object({ type: z.literal('set_initiative'), id, value: z.number().int().min(-1000).max(1000) }),
  z.object({ type: z.literal('next') }),
  z.object({ type: z.literal('previous') }),
  z.object({ type: z.literal('damage'), id, amount: hp }),
  z.object({ type: z.literal('heal'), id, amount: hp }),
  z.object({ type: z.literal('temp_hp'), id, amount: hp }),
  z.object({ type: z.literal('condition'), id, condition, on: z.boolean() }),
  z.object({ type: z.literal('hide'), id, hidden: z.boolean() }),
  z.object({ type: z.literal('timer'), seconds: z.number().int().min(5).max(3600).nullable() }),
])
export type CombatAction = z.output<typeof combatAction>

/** GM actions on the scene. */
export const sceneAction = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('set_map'),
    url: httpUrl.nullable(),
    grid: z.object({
      w: z.number().int().min(1).max(500),
      h: z.number().int().min(1).max(500),
      cell: z.number().int().min(8).max(512),
    }),
  }),
  z.object({
    type: z.literal('add_token'),
    name,
    owner: z.string().max(40).nullable().default(null),
    x: cell,
    y: cell,
    hidden: z.boolean().default(false),
    image: httpUrl.nullable().default(null),
  }),
  z.object({ type: z.literal('remove_token'), id }),
  z.object({ type: z.literal('hide_token'), id, hidden: z.boolean() }),
  z.object({
    type: z.literal('fog_add'),
    x: cell,
    y: cell,
    w: z.number().int().min(1).max(500),
    h: z.number().int().min(1).max(500),
  }),
  z.object({ type: z.literal('fog_remove'), id }),
  z.object({ type: z.literal('fog_clear') }),
])
export type SceneAction = z.output<typeof sceneAction>

const entryReply = z.object({ entry: tableEntry })

export const tableMessages = {
  'table.join': request({
    description:
      'Enter the room of a tabletop session you are a member of. Replies with the room as you may see it ' +
      '(members, fairness commitment, combat, scene, recent log); the others receive `table.joined`.',
    request: z.object(sid),
    response: tableRoomView,
    limits: { maxBytes: 256, rate: { perMs: 500, burst: 10 } },
  }),
  'table.leave': request({
    description: 'Leave the room (you stay a member of the session). The others receive `table.left`.',
    request: z.object(sid),
    response: z.object({}),
    limits: { maxBytes: 256, rate: { perMs: 500, burst: 10 } },
  }),
  'table.say': request({
    description:
      'Say something at the table. Inline rolls `[[1d20+5]]` are rolled on the server; a bad one rejects the ' +
      'message with the dice error and its position in the text. Players and GMs only.',
    request: z.object({ ...sid, text }),
    response: entryReply,
    limits: { maxBytes: 8192, rate: { perMs: 500, burst: 5 } },
  }),
  'table.whisper': request({
    description:
      'A private message to one or several members (user ids). Only they and you see it — GMs too, only if ' +
      'addressed. Inline rolls work as in `table.say`.',
    request: z.object({ ...sid, to: z.array(id).min(1).max(20), text }),
    response: entryReply,
    limits: { maxBytes: 8192, rate: { perMs: 500, burst: 5 } },
  }),
  'table.typing': request({
    description: 'Tell the room you started or stopped typing. Not logged.',
    request: z.object({ ...sid, typing: z.boolean() }),
    response: z.object({}),
    limits: { maxBytes: 256, rate: { perMs: 250, burst: 4 } },
  }),
  'table.react': request({
    description: 'Add (`on: true`) or remove a reaction on a log entry you can see.',
    request: z.object({
      ...sid,
      seq: z.number().int().min(1),
      emoji: z.string().min(1).max(16),
      on: z.boolean(),
    }),
    response: entryReply,
    limits: { maxBytes: 256, rate: { perMs: 250, burst: 8 } },
  }),
  'table.narrate': request({
    description: 'GM narration for everyone, or a GM-only note (`gmOnly`). GMs only.',
    request: z.object({ ...sid, text, gmOnly: z.boolean().default(false) }),
    response: entryReply,
    limits: { maxBytes: 8192, rate: { perMs: 500, burst: 5 } },
  }),
  'table.action': request({
    description:
      'A player action (`attack`, `cast`, …) with free-form details, for everyone. Players and GMs.',
    request: z.object({
      ...sid,
      action: z.string().trim().min(1).max(64),
      details: z.record(z.string().max(64), z.unknown()).default({}),
    }),
    response: entryReply,
    limits: { maxBytes: 2048, rate: { perMs: 500, burst: 5 } },
  }),
  'table.roll': request({
    description:
      'Roll dice on the server with the session’s committed seed. Modes: `public` (everyone), `gm` (you and ' +
      'the GMs), `blind` (the GMs; you see that you rolled), `self` (only you). Bad notation gets the dice ' +
      'error with its position. The reply is the entry as you see it.',
    request: z.object({
      ...sid,
      formula: z.string().min(1).max(500),
      mode: rollMode.default('public'),
      label: z.string().trim().min(1).max(64).optional(),
      /** Mixed into the fair generator; default: the session's `defaultClientSeed`. */
      clientSeed: z.string().min(1).max(64).optional(),
    }),
    response: entryReply,
    limits: { maxBytes: 1024, rate: { perMs: 500, burst: 5 } },
  }),
  'table.combat': request({
    description:
      'Combat tracker (GMs only): start/end, add/remove combatants, roll initiative (server dice), next/previous ' +
      'turn, damage (temp HP first), healing, conditions, hidden combatants, turn timer.',
    request: z.object({ ...sid, action: combatAction }),
    response: z.object({ combat: combatView }),
    limits: { maxBytes: 1024, rate: { perMs: 100, burst: 20 } },
  }),
  'table.scene': request({
    description: 'Scene (GMs only): map and grid, tokens (add, remove, hide) and fog rectangles.',
    request: z.object({ ...sid, action: sceneAction }),
    response: z.object({ scene: sceneView }),
    limits: { maxBytes: 4096, rate: { perMs: 100, burst: 20 } },
  }),
  'table.move': request({
    description: 'Move a token to a cell. GMs move any token, players their own.',
    request: z.object({ ...sid, tokenId: id, x: cell, y: cell }),
    response: z.object({ x: z.number().int(), y: z.number().int() }),
    limits: { maxBytes: 256, rate: { perMs: 50, burst: 20 } },
  }),
  'table.history': request({
    description:
      'Page backwards through the session log (only entries you may see): newest first, `before` a seq; pass ' +
      'the reply’s `nextBefore` to go further (null at the start).',
    request: z.object({
      ...sid,
      before: z.number().int().min(1).optional(),
      limit: z.number().int().min(1).max(100).default(50),
    }),
    response: z.object({ entries: z.array(tableEntry), nextBefore: z.number().int().nullable() }),
    limits: { maxBytes: 256, rate: { perMs: 250, burst: 8 } },
  }),
  'table.rotate_seed': request({
    description:
      'Reveal the current server seed and commit a new one (GMs only). Rolls made so far become verifiable.',
    request: z.object(sid),
    response: z.object({
      revealed: z.object({ epoch: z.number().int(), serverSeed: z.string(), commitment: z.string() }),
      fairness: fairnessView,
    }),
    limits: { maxBytes: 256, rate: { perMs: 5000, burst: 2 } },
  }),
  'table.entry': event({
    description: 'A new log entry you may see (chat, whisper, narration, action, roll, reaction, system).',
    payload: z.object({ ...sid, entry: tableEntry }),
  }),
  'table.joined': event({
    description: 'A member entered the room.',
    payload: z.object({ ...sid, member: tableMember }),
  }),
  'table.left': event({
    description:
      'A member left the room: `left`, `disconnected` (session over), `replaced` (a newer connection of theirs ' +
      'must join again) or `removed` (no longer a member; sent to them too).',
    payload: z.object({
      ...sid,
      userId: z.string(),
      reason: z.enum(['left', 'disconnected', 'replaced', 'removed']),
    }),
  }),
  'table.presence': event({
    description: 'A member’s connection dropped (`away`, they may resume) or came back (`online`).',
    payload: z.object({ ...sid, userId: z.string(), status: z.enum(['online', 'away']) }),
  }),
  'table.members': event({
    description: 'The member list changed (invites accepted, roles changed, members removed).',
    payload: z.object({ ...sid, members: z.array(tableMember) }),
  }),
  'table.typing_changed': event({
    description: 'A member started or stopped typing.',
    payload: z.object({ ...sid, userId: z.string(), typing: z.boolean() }),
  }),
  'table.session': event({
    description: 'Status, phase or fairness commitment changed; `revealed` carries a seed made public.',
    payload: z.object({
      ...sid,
      status: tableStatus,
      phase: tablePhase,
      fairness: fairnessView,
      revealed: z
        .object({ epoch: z.number().int(), serverSeed: z.string(), commitment: z.string() })
        .nullable(),
    }),
  }),
  'table.combat_updated': event({
    description: 'The combat tracker as you may see it (hidden combatants only for GMs).',
    payload: z.object({ ...sid, combat: combatView }),
  }),
  'table.scene_updated': event({
    description: 'The scene as you may see it (no hidden tokens, nothing under fog, for players).',
    payload: z.object({ ...sid, scene: sceneView }),
  }),
  'table.token_moved': event({
    description: 'A token you can see moved (and stays visible to you).',
    payload: z.object({
      ...sid,
      tokenId: z.string(),
      x: z.number().int(),
      y: z.number().int(),
      by: z.string(),
    }),
  }),
  'table.token_shown': event({
    description: 'A token came into your view (revealed, or moved out of fog).',
    payload: z.object({ ...sid, token: sceneToken }),
  }),
  'table.token_hidden': event({
    description: 'A token left your view (hidden, removed, or moved under fog).',
    payload: z.object({ ...sid, tokenId: z.string() }),
  }),
} as const
