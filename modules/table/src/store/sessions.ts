import type { MemberRef, TablePhase, TableRole, TableSessionView, TableStatus } from '@tavern/protocol'
import type { Sql } from '@tavern/server'
import type { SeedState } from '../fair-dice.ts'

export interface Campaign {
  id: string
  ownerId: string
  name: string
  description: string
  createdAt: number
}

export interface Invite {
  code: string
  sessionId: string
  role: TableRole
  expiresAt: number | null
  maxUses: number | null
  uses: number
}

export interface SeedRow {
  epoch: number
  commitment: string
  serverSeed: string
  committedAt: number
  revealedAt: number | null
}

type SessionRow = {
  id: string
  campaign_id: string
  title: string
  status: TableStatus
  phase: TablePhase
  scheduled_at: number | null
  started_at: number | null
  ended_at: number | null
  created_at: number
}

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

function toSession(r: SessionRow): TableSessionView {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    title: r.title,
    status: r.status,
    phase: r.phase,
    scheduledAt: n(r.scheduled_at),
    startedAt: n(r.started_at),
    endedAt: n(r.ended_at),
    createdAt: Number(r.created_at),
  }
}

function toCampaign(r: Record<string, unknown>): Campaign {
  return {
    id: String(r.id),
    ownerId: String(r.owner_id),
    name: String(r.name),
    description: String(r.description),
    createdAt: Number(r.created_at),
  }
}

/** SQL of campaigns, sessions, memberships, invites and seeds: low-frequency rows written immediately. */
export const sessionStore = {
  async createCampaign(sql: Sql, c: Campaign): Promise<void> {
    await sql.query(
      'INSERT INTO table_campaigns (id, owner_id, name, description, created_at) VALUES ($1, $2, $3, $4, $5)',
      [c.id, c.ownerId, c.name, c.description, c.createdAt],
    )
  },

  async campaign(sql: Sql, id: string): Promise<Campaign | null> {
    const [r] = await sql.query('SELECT * FROM table_campaigns WHERE id = $1', [id])
    return r ? toCampaign(r) : null
  },

  /** Campaigns the user owns or plays a session of, newest first. */
  async campaignsOf(sql: Sql, userId: string): Promise<Campaign[]> {
    const rows = await sql.query(
      `SELECT DISTINCT c.* FROM table_campaigns c
       LEFT JOIN table_sessions s ON s.campaign_id = c.id
       LEFT JOIN table_members m ON m.session_id = s.id AND m.user_id = $1
       WHERE c.owner_id = $1 OR m.user_id IS NOT NULL
       ORDER BY c.created_at DESC LIMIT 200`,
      [userId],
    )
    return rows.map(toCampaign)
  },

  /** Creates a session with its first GM and its first committed seed, in one transaction. */
  async createSession(sql: Sql, s: TableSessionView, gm: MemberRef, seed: SeedState): Promise<void> {
    await sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO table_sessions (id, campaign_id, title, status, phase, scheduled_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [s.id, s.campaignId, s.title, s.status, s.phase, s.scheduledAt, s.createdAt],
      )
      await tx.query(
        'INSERT INTO table_members (session_id, user_id, username, role, joined_at) VALUES ($1, $2, $3, $4, $5)',
        [s.id, gm.userId, gm.username, 'gm', s.createdAt],
      )
      await sessionStore.insertSeed(tx, s.id, seed, s.createdAt)
    })
  },

  async session(sql: Sql, id: string): Promise<TableSessionView | null> {
    const [r] = await sql.query<SessionRow>('SELECT * FROM table_sessions WHERE id = $1', [id])
    return r ? toSession(r) : null
  },

  async sessionsOf(sql: Sql, campaignId: string): Promise<TableSessionView[]> {
    const rows = await sql.query<SessionRow>(
      'SELECT * FROM table_sessions WHERE campaign_id = $1 ORDER BY created_at DESC LIMIT 500',
      [campaignId],
    )
    return rows.map(toSession)
  },

  /** Sessions the user is a member of, with their role, newest first. */
  async sessionsOfUser(sql: Sql, userId: string): Promise<Array<TableSessionView & { role: TableRole }>> {
    const rows = await sql.query<SessionRow & { role: TableRole }>(
      `SELECT s.*, m.role FROM table_sessions s JOIN table_members m ON m.session_id = s.id
       WHERE m.user_id = $1 ORDER BY s.created_at DESC LIMIT 500`,
      [userId],
    )
    return rows.map((r) => ({ ...toSession(r), role: r.role }))
  },

  async updateSession(
    sql: Sql,
    id: string,
    s: Pick<TableSessionView, 'status' | 'phase' | 'startedAt' | 'endedAt'>,
  ): Promise<void> {
    await sql.query(
      'UPDATE table_sessions SET status = $2, phase = $3, started_at = $4, ended_at = $5 WHERE id = $1',
      [id, s.status, s.phase, s.startedAt, s.endedAt],
    )
  },

  async members(sql: Sql, sessionId: string): Promise<MemberRef[]> {
    const rows = await sql.query<{ user_id: string; username: string; role: TableRole }>(
      'SELECT user_id, username, role FROM table_members WHERE session_id = $1 ORDER BY joined_at, user_id',
      [sessionId],
    )
    return rows.map((r) => ({ userId: r.user_id, username: r.username, role: r.role }))
  },

  async role(sql: Sql, sessionId: string, userId: string): Promise<TableRole | undefined> {
    const [r] = await sql.query<{ role: TableRole }>(
      'SELECT role FROM table_members WHERE session_id = $1 AND user_id = $2',
      [sessionId, userId],
    )
    return r?.role
  },

  /** Adds a member; returns false if they already were one. */
  async addMember(sql: Sql, sessionId: string, m: MemberRef, now: number): Promise<boolean> {
    const rows = await sql.query(
      `INSERT INTO table_members (session_id, user_id, username, role, joined_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [sessionId, m.userId, m.username, m.role, now],
    )
    return rows.length === 1
  },

  async setRole(sql: Sql, sessionId: string, userId: string, role: TableRole): Promise<boolean> {
    const rows = await sql.query(
      'UPDATE table_members SET role = $3 WHERE session_id = $1 AND user_id = $2 RETURNING user_id',
      [sessionId, userId, role],
    )
    return rows.length === 1
  },

  async removeMember(sql: Sql, sessionId: string, userId: string): Promise<boolean> {
    const rows = await sql.query(
      'DELETE FROM table_members WHERE session_id = $1 AND user_id = $2 RETURNING user_id',
      [sessionId, userId],
    )
    return rows.length === 1
  },

  async createInvite(sql: Sql, i: Invite, createdBy: string, now: number): Promise<void> {
    await sql.query(
      `INSERT INTO table_invites (code, session_id, role, created_by, created_at, expires_at, max_uses)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [i.code, i.sessionId, i.role, createdBy, now, i.expiresAt, i.maxUses],
    )
  },

  /** Uses one redemption of a valid invite, atomically; null when it is unknown, expired or used up. */
  async redeemInvite(
    sql: Sql,
    code: string,
    now: number,
  ): Promise<{ sessionId: string; role: TableRole } | null> {
    const [r] = await sql.query<{ session_id: string; role: TableRole }>(
      `UPDATE table_invites SET uses = uses + 1
       WHERE code = $1 AND (expires_at IS NULL OR expires_at > $2) AND (max_uses IS NULL OR uses < max_uses)
       RETURNING session_id, role`,
      [code, now],
    )
    return r ? { sessionId: r.session_id, role: r.role } : null
  },

  async insertSeed(sql: Sql, sessionId: string, seed: SeedState, now: number): Promise<void> {
    await sql.query(
      `INSERT INTO table_seeds (session_id, epoch, commitment, server_seed, committed_at) VALUES ($1, $2, $3, $4, $5)`,
      [sessionId, seed.epoch, seed.commitment, seed.serverSeed, now],
    )
  },

  async revealSeed(sql: Sql, sessionId: string, epoch: number, now: number): Promise<void> {
    await sql.query(
      'UPDATE table_seeds SET revealed_at = $3 WHERE session_id = $1 AND epoch = $2 AND revealed_at IS NULL',
      [sessionId, epoch, now],
    )
  },

  /** Every seed of a session, oldest first, secrets included: callers decide what to publish. */
  async seeds(sql: Sql, sessionId: string): Promise<SeedRow[]> {
    const rows = await sql.query<Record<string, unknown>>(
      'SELECT * FROM table_seeds WHERE session_id = $1 ORDER BY epoch',
      [sessionId],
    )
    return rows.map((r) => ({
      epoch: Number(r.epoch),
      commitment: String(r.commitment),
      serverSeed: String(r.server_seed),
      committedAt: Number(r.committed_at),
      revealedAt: n(r.revealed_at),
    }))
  },
}
