import { z } from 'zod'

/** Settings of the tabletop module (`modules.table` in the config file, `TAVERN_TABLE_*` in the environment). */
export const tableConfig = z
  .object({
    /** Longest chat, whisper or narration text, in characters. */
    maxTextLength: z.coerce.number().int().min(1).max(4000).default(2000),
    /** Log entries sent with `table.join` (older ones through `table.history`). */
    recentEntries: z.coerce.number().int().min(0).max(200).default(50),
    /** A room nobody is in stays loaded this long before it is flushed and dropped from memory. */
    roomIdleMs: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    /** TTL of the lease by which one process owns a room (renewed every third of it). */
    roomLeaseMs: z.coerce.number().int().min(1000).max(600_000).default(15_000),
    /** Rate of the room loop: turn timers, lease renewal and idle unloading. */
    loopHz: z.coerce.number().min(0.1).max(20).default(2),
    /** Days an invite code stays valid unless the GM says otherwise. */
    inviteDays: z.coerce.number().int().min(1).max(365).default(14),
  })
  .strict()

export type TableConfig = z.infer<typeof tableConfig>
