import type { Migration, Sql } from './sql.ts'

/** One module's migrations; the plan lists modules in dependency order. */
export interface MigrationPlanEntry {
  readonly module: string
  readonly migrations: readonly Migration[]
}

export interface AppliedMigration {
  readonly module: string
  readonly id: string
}

export interface MigrateOptions {
  /** Source of `applied_at` (epoch ms); defaults to `Date.now`. */
  now?: () => number
}

// One lock per schema, so test schemas sharing a PostgreSQL database do not wait for each other.
const LOCK = `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.tavern_migrations'))`

const TABLE = `CREATE TABLE IF NOT EXISTS tavern_migrations (
  module text NOT NULL,
  id text NOT NULL,
  applied_at int8 NOT NULL,
  PRIMARY KEY (module, id)
)`

function ordered(plan: readonly MigrationPlanEntry[]): AppliedMigration[] {
  const modules = new Set<string>()
  const out: AppliedMigration[] = []
  for (const { module, migrations } of plan) {
    if (modules.has(module)) throw new Error(`module ${module} appears twice in the migration plan`)
    modules.add(module)
    const ids = migrations.map((m) => m.id)
    for (const id of ids) if (!id) throw new Error(`module ${module} has a migration without an id`)
    const sorted = [...ids].sort()
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i] === sorted[i - 1])
        throw new Error(`module ${module} has two migrations with id ${sorted[i]}`)
    }
    for (const id of sorted) out.push({ module, id })
  }
  return out
}

/**
 * Applies pending migrations: modules in the given order, each module's ids in sorted order, each migration in
 * its own transaction. An advisory lock serialises processes that boot together, and each one re-checks under
 * the lock, so every migration runs exactly once. Returns the migrations this call applied.
 */
export async function migrate(
  sql: Sql,
  plan: readonly MigrationPlanEntry[],
  opts: MigrateOptions = {},
): Promise<AppliedMigration[]> {
  const now = opts.now ?? Date.now
  const todo = ordered(plan)
  const byKey = new Map<string, Migration>()
  for (const { module, migrations } of plan)
    for (const m of migrations) byKey.set(`${module}\u0000${m.id}`, m)

  // Creating the table under the lock too: two concurrent CREATE TABLE IF NOT EXISTS can still collide.
  await sql.transaction(async (tx) => {
    await tx.query(LOCK)
    await tx.exec(TABLE)
  })
  const done = new Set(
    (await sql.query<{ module: string; id: string }>(`SELECT module, id FROM tavern_migrations`)).map(
      (r) => `${r.module}\u0000${r.id}`,
    ),
  )

  const applied: AppliedMigration[] = []
  for (const step of todo) {
    const key = `${step.module}\u0000${step.id}`
    if (done.has(key)) continue
    const migration = byKey.get(key)!
    const ran = await sql
      .transaction(async (tx) => {
        await tx.query(LOCK)
        const seen = await tx.query(`SELECT 1 FROM tavern_migrations WHERE module = $1 AND id = $2`, [
          step.module,
          step.id,
        ])
        if (seen.length > 0) return false
        await tx.exec(migration.sql)
        await tx.query(`INSERT INTO tavern_migrations (module, id, applied_at) VALUES ($1, $2, $3)`, [
          step.module,
          step.id,
          now(),
        ])
        return true
      })
      .catch((err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err)
        throw new Error(`migration ${step.module}/${step.id} failed: ${reason}`, { cause: err })
      })
    if (ran) applied.push(step)
  }
  return applied
}
