import type { WorldAppearance, WorldDirection } from '@tavern/protocol'
import { bulkUpsert, type Migration, type StateHandle, type StateLayer } from '@tavern/server'
import type { Equipment } from '../rules/equipment.ts'
import type { GroundItem } from '../rules/ground-items.ts'
import type { Inventory, ItemStack } from '../rules/inventory.ts'
import type { Skills } from '../rules/skills.ts'

/** A character as stored: everything that survives logout and restart. */
export interface PlayerRecord {
  username: string
  map: string
  x: number
  y: number
  facing: WorldDirection
  hp: number
  /** Died and not yet respawned when saved: respawns on the next entry. */
  dead: boolean
  inventory: Inventory
  equipment: Equipment
  skills: Skills
  appearance: WorldAppearance
  autoRetaliate: boolean
  /** Offered in a trade that has not ended; returned to the inventory when the character is loaded. */
  escrow: ItemStack[]
  updatedAt: number
}

/** The ground items of one map (so a crash between a drop and a pickup loses nothing). */
export interface GroundRecord {
  items: GroundItem[]
  updatedAt: number
}

export const worldMigrations: readonly Migration[] = [
  {
    id: '0001_world',
    sql: `
      CREATE TABLE world_players (
        user_id text PRIMARY KEY,
        data jsonb NOT NULL,
        updated_at int8 NOT NULL
      );
      CREATE TABLE world_ground (
        map_id text PRIMARY KEY,
        data jsonb NOT NULL,
        updated_at int8 NOT NULL
      );
    `,
  },
]

function jsonKind<T extends { updatedAt: number }>(
  state: StateLayer,
  kind: string,
  table: string,
  key: string,
): StateHandle<T> {
  return state.define<T>({
    kind,
    async load(ids, sql) {
      const rows = await sql.query<{ id: string; data: T }>(
        `SELECT ${key} AS id, data FROM ${table} WHERE ${key} = ANY($1::text[])`,
        [ids],
      )
      return new Map(rows.map((r) => [r.id, r.data]))
    },
    async save(rows, tx) {
      await bulkUpsert(tx, {
        table,
        columns: { [key]: 'text', data: 'jsonb', updated_at: 'int8' },
        key: [key],
        rows: rows.map((r) => ({ [key]: r.id, data: r.value, updated_at: r.value.updatedAt })),
      })
    },
  })
}

/** The write-behind kinds of the world: `world.player` (by user id) and `world.ground` (by map id). */
export function defineWorldState(state: StateLayer): {
  players: StateHandle<PlayerRecord>
  ground: StateHandle<GroundRecord>
} {
  return {
    players: jsonKind<PlayerRecord>(state, 'world.player', 'world_players', 'user_id'),
    ground: jsonKind<GroundRecord>(state, 'world.ground', 'world_ground', 'map_id'),
  }
}
