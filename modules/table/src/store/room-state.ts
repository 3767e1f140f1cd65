import { bulkUpsert, type StateHandle, type StateLayer } from '@tavern/server'
import { type CombatState, emptyCombat } from '../rules/combat.ts'
import { emptyScene, type SceneState } from '../rules/scene.ts'

/** What a room keeps between loads besides its log: counters, combat tracker and scene. */
export interface RoomState {
  /** Seq of the last log entry. */
  seq: number
  /** Epoch of the seed `nonce` counts in; a newer seed in the database starts again at 0. */
  epoch: number
  /** Next unused nonce of that epoch. */
  nonce: number
  combat: CombatState
  scene: SceneState
  updatedAt: number
}

/** A room that never ran. */
export function emptyRoomState(now: number): RoomState {
  return { seq: 0, epoch: 0, nonce: 0, combat: emptyCombat(), scene: emptyScene(), updatedAt: now }
}

/** The write-behind state kind `table.room`: written hot on every change, flushed in bulk to `table_rooms`. */
export function defineRoomState(state: StateLayer): StateHandle<RoomState> {
  return state.define<RoomState>({
    kind: 'table.room',
    async load(ids, sql) {
      const rows = await sql.query<{ session_id: string; state: RoomState }>(
        'SELECT session_id, state FROM table_rooms WHERE session_id = ANY($1::text[])',
        [ids],
      )
      return new Map(rows.map((r) => [r.session_id, r.state]))
    },
    async save(rows, tx) {
      await bulkUpsert(tx, {
        table: 'table_rooms',
        columns: { session_id: 'text', state: 'jsonb', updated_at: 'int8' },
        key: ['session_id'],
        rows: rows.map((r) => ({
          session_id: r.id,
          state: r.value,
          updated_at: r.value.updatedAt,
        })),
      })
    },
  })
}
