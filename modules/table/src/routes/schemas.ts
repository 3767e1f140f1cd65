import {
  fairRecord,
  memberRef,
  tableEntry,
  tableMember,
  tablePhase,
  tableRole,
  tableSessionId,
  tableSessionView,
  tableStatus,
} from '@tavern/protocol'
import { z } from 'zod'

export const tags = ['table']

export const sessionParams = z.object({ sessionId: tableSessionId })
export const campaignParams = z.object({ campaignId: tableSessionId })
export const memberParams = sessionParams.extend({ userId: z.string().min(1).max(64) })

export const campaignView = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    name: z.string(),
    description: z.string(),
    createdAt: z.number(),
  })
  .meta({ id: 'TableCampaign' })

export const campaignBody = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(2000).default(''),
})

export const sessionBody = z.object({
  title: z.string().trim().min(1).max(100),
  phase: tablePhase.default('roleplay'),
  scheduledAt: z.number().int().nonnegative().nullable().optional().describe('Epoch ms'),
})

export const sessionPatch = z
  .object({
    status: tableStatus.optional(),
    phase: tablePhase.optional(),
    title: z.string().trim().min(1).max(100).optional(),
  })
  .refine((p) => p.status || p.phase || p.title, 'Give a status, a phase or a title')

export const sessionResponse = tableSessionView.meta({ id: 'TableSession' })

export const fairnessResponse = z.object({
  epoch: z.number().int(),
  commitment: z.string(),
  defaultClientSeed: z.string(),
})

export const sessionInfoResponse = z.object({
  session: sessionResponse,
  you: memberRef,
  members: z.array(tableMember),
  fairness: fairnessResponse,
})

export const inviteBody = z.object({
  role: tableRole.default('player'),
  maxUses: z.number().int().min(1).max(1000).nullable().optional(),
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .nullable()
    .optional()
    .describe('null: never expires'),
})

export const inviteResponse = z.object({
  code: z.string(),
  sessionId: z.string(),
  role: tableRole,
  expiresAt: z.number().nullable(),
  maxUses: z.number().nullable(),
  uses: z.number(),
})

export const historyQuery = z.object({
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})

export const historyResponse = z.object({ entries: z.array(tableEntry), nextBefore: z.number().nullable() })

export const exportQuery = z.object({ format: z.enum(['json', 'markdown']).default('json') })

export const exportJson = z.object({
  session: sessionResponse,
  exportedAt: z.number(),
  entries: z.array(tableEntry),
})

export const recapResponse = z.object({
  session: sessionResponse,
  participants: z.array(
    z.object({ userId: z.string(), username: z.string(), messages: z.number(), rolls: z.number() }),
  ),
  counts: z.record(z.string(), z.number()),
  narration: z.array(z.string()),
  rolls: z.object({
    count: z.number(),
    naturalTwenties: z.number(),
    naturalOnes: z.number(),
    highest: z.object({ by: z.string(), text: z.string(), total: z.number() }).nullable(),
  }),
  combat: z.object({ encounters: z.number(), rounds: z.number(), fallen: z.array(z.string()) }),
  markdown: z.string(),
})

export const fairnessAudit = z.object({
  sessionId: z.string(),
  status: tableStatus,
  current: z.object({ epoch: z.number(), commitment: z.string() }),
  seeds: z.array(
    z.object({
      epoch: z.number(),
      commitment: z.string(),
      committedAt: z.number(),
      revealedAt: z.number().nullable(),
      serverSeed: z.string().nullable().describe('Null until revealed (rotation or end of the session)'),
    }),
  ),
  rolls: z.array(fairRecord.extend({ seq: z.number(), by: z.string().nullable() })),
})

export const roomResponse = z.object({
  sessionId: z.string(),
  campaignId: z.string(),
  status: tableStatus,
  phase: tablePhase,
  loaded: z.boolean(),
  players: z.array(tableMember),
  playerCount: z.number(),
})
