import type { Migration } from '@tavern/server'

/** Campaigns, sessions, memberships, invites, fairness seeds, the session log and the live room state. */
export const tableMigrations: readonly Migration[] = [
  {
    id: '0001_tabletop',
    sql: `
      CREATE TABLE table_campaigns (
        id text PRIMARY KEY,
        owner_id text NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        created_at int8 NOT NULL
      );
      CREATE INDEX table_campaigns_owner ON table_campaigns (owner_id);

      CREATE TABLE table_sessions (
        id text PRIMARY KEY,
        campaign_id text NOT NULL REFERENCES table_campaigns (id) ON DELETE CASCADE,
        title text NOT NULL,
        status text NOT NULL,
        phase text NOT NULL,
        scheduled_at int8,
        started_at int8,
        ended_at int8,
        created_at int8 NOT NULL
      );
      CREATE INDEX table_sessions_campaign ON table_sessions (campaign_id);

      CREATE TABLE table_members (
        session_id text NOT NULL REFERENCES table_sessions (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        username text NOT NULL,
        role text NOT NULL,
        joined_at int8 NOT NULL,
        PRIMARY KEY (session_id, user_id)
      );
      CREATE INDEX table_members_user ON table_members (user_id);

      CREATE TABLE table_invites (
        code text PRIMARY KEY,
        session_id text NOT NULL REFERENCES table_sessions (id) ON DELETE CASCADE,
        role text NOT NULL,
        created_by text NOT NULL,
        created_at int8 NOT NULL,
        expires_at int8,
        max_uses int4,
        uses int4 NOT NULL DEFAULT 0
      );

      -- The server seed stays secret (never sent) until revealed_at is set: on rotation or when the session ends.
      CREATE TABLE table_seeds (
        session_id text NOT NULL REFERENCES table_sessions (id) ON DELETE CASCADE,
        epoch int4 NOT NULL,
        commitment text NOT NULL,
        server_seed text NOT NULL,
        committed_at int8 NOT NULL,
        revealed_at int8,
        PRIMARY KEY (session_id, epoch)
      );

      CREATE TABLE table_log (
        session_id text NOT NULL,
        seq int8 NOT NULL,
        at int8 NOT NULL,
        kind text NOT NULL,
        audience jsonb NOT NULL,
        -- json, not jsonb: written in bulk on every flush and only ever read whole, so skip the binary form.
        body json NOT NULL,
        PRIMARY KEY (session_id, seq)
      );

      CREATE TABLE table_rooms (
        session_id text PRIMARY KEY,
        state jsonb NOT NULL,
        updated_at int8 NOT NULL
      );
    `,
  },
]
