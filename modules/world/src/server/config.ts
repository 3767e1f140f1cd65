import { z } from 'zod'

/** Settings of the world module (`modules.world` in the config file, `TAVERN_WORLD_*` in the environment). */
export const worldConfig = z
  .object({
    /** A host folder of extra content (maps/, items.json, npcs.json, …) loaded over the starter world. */
    contentDir: z.string().min(1).optional(),
    /** Players in the world at once on this process; admins bypass it. */
    capacity: z.coerce.number().int().min(1).max(100_000).default(2500),
    /** Map a new character starts on (and respawns on). */
    startMap: z.string().min(1).default('town'),
    /** Simulation rate: movement timers, NPC AI, combat, regeneration. */
    tickHz: z.coerce.number().min(1).max(60).default(20),
    /** How often each player receives the diff of what they see. */
    sendHz: z.coerce.number().min(1).max(30).default(10),
    /**
     * Entities are visible at least this many tiles away: a player sees the interest cells within
     * ceil(viewRadius / cellSize) cells of their own.
     */
    viewRadius: z.coerce.number().int().min(4).max(64).default(32),
    /** Side of the interest-management cells, in tiles. */
    cellSize: z.coerce.number().int().min(4).max(64).default(16),
    /** Time from death to respawn. */
    respawnMs: z.coerce.number().int().min(0).max(600_000).default(5000),
    motd: z.string().max(500).default('Welcome to Tavern.'),
  })
  .strict()

export type WorldConfig = z.infer<typeof worldConfig>
