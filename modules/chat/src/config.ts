import { z } from 'zod'

const role = z.enum(['player', 'moderator', 'admin'])

export const chatConfig = z
  .object({
    /** Lowest role that may post in `global` (the seed allowed only moderators; most games let players). */
    globalPostRole: role.default('player'),
    globalMaxLength: z.coerce.number().int().min(1).max(4000).default(200),
    /** Lowest role that may post in `announcements` (everyone reads it). */
    announcementsPostRole: role.default('moderator'),
    roomMaxLength: z.coerce.number().int().min(1).max(4000).default(500),
    directMaxLength: z.coerce.number().int().min(1).max(4000).default(500),
    /** Whether everyone online receives presence events of `global` (turn off for very large servers). */
    globalPresence: z.stringbool().or(z.boolean()).default(true),
  })
  .strict()

export type ChatConfig = z.infer<typeof chatConfig>
