import type { Migration } from '../storage/sql.ts'

/**
 * Durable timed events. Instants are epoch milliseconds (int8). A (kind, key) pair is unique when the key is set,
 * which makes scheduling idempotent. Dead events (out of attempts) stay for inspection and are never claimed.
 */
export const schedulerMigrations: Migration[] = [
  {
    id: '0001_timed_events',
    sql: `
CREATE TABLE tavern_timed_events (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  key text,
  run_at int8 NOT NULL,
  payload jsonb NOT NULL DEFAULT 'null',
  attempts int NOT NULL DEFAULT 0,
  last_error text,
  dead boolean NOT NULL DEFAULT false,
  created_at int8 NOT NULL
);
CREATE UNIQUE INDEX tavern_timed_events_kind_key ON tavern_timed_events (kind, key) WHERE key IS NOT NULL;
CREATE INDEX tavern_timed_events_due ON tavern_timed_events (run_at) WHERE NOT dead;
`,
  },
]
