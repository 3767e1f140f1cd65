import type { Migration } from '../storage/sql.ts'

/** Instants are epoch milliseconds (int8); usernames are unique regardless of case. */
export const accountsMigrations: readonly Migration[] = [
  {
    id: '0001_accounts',
    sql: `
CREATE TABLE users (
  id            text PRIMARY KEY,
  username      text NOT NULL,
  password_hash text NOT NULL,
  role          text NOT NULL DEFAULT 'player' CHECK (role IN ('player', 'moderator', 'admin')),
  created_at    int8 NOT NULL,
  banned_until  int8,
  ban_reason    text,
  muted_until   int8,
  mute_reason   text,
  token_version int  NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));

CREATE TABLE refresh_tokens (
  id          text PRIMARY KEY,
  user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id   text NOT NULL,
  token_hash  text NOT NULL UNIQUE,
  expires_at  int8 NOT NULL,
  created_at  int8 NOT NULL,
  revoked_at  int8,
  replaced_by text
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);

-- Who banned, muted or promoted whom, when and why.
CREATE TABLE moderation_log (
  id        text PRIMARY KEY,
  at        int8 NOT NULL,
  actor_id  text NOT NULL,
  target_id text NOT NULL,
  action    text NOT NULL,
  reason    text,
  until     int8,
  role      text
);
CREATE INDEX moderation_log_target ON moderation_log (target_id, at);
`,
  },
]
