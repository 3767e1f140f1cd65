import { randomBytes, randomInt } from 'node:crypto'
import type { MemberRef, TablePhase, TableRole, TableSessionView, TableStatus } from '@tavern/protocol'
import { Rejection, reject } from '@tavern/server'
import { freshSeed } from './fair-dice.ts'
import { applySession } from './room-gm.ts'
import { checkRole, checkTransition, type Need } from './rules/session.ts'
import type { TableService } from './service.ts'
import { type Campaign, type Invite, sessionStore } from './store/sessions.ts'

/** The user a REST request is made by. */
export interface Caller {
  userId: string
  username: string
}

type Revealed = { epoch: number; serverSeed: string; commitment: string } | null

function newId(): string {
  return randomBytes(9).toString('base64url')
}

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** Ten characters people can read aloud (no 0/O, 1/I). */
function inviteCode(): string {
  let out = ''
  for (let i = 0; i < 10; i++) out += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)]
  return out
}

/** Checks the caller's role in a session against what the operation needs. */
export async function requireRole(svc: TableService, sessionId: string, userId: string, need: Need) {
  const role = await svc.roleOf(sessionId, userId)
  if (!role) return svc.denyOutsider(sessionId)
  return checkRole(role, need) ?? role
}

export async function createCampaign(
  svc: TableService,
  caller: Caller,
  p: { name: string; description: string },
) {
  const c: Campaign = {
    id: newId(),
    ownerId: caller.userId,
    name: p.name,
    description: p.description,
    createdAt: svc.ctx.clock.now(),
  }
  await sessionStore.createCampaign(svc.ctx.sql, c)
  return c
}

/** A new session of a campaign (its owner only); the creator is its first GM and its first seed is committed. */
export async function createSession(
  svc: TableService,
  caller: Caller,
  campaignId: string,
  p: { title: string; phase: TablePhase; scheduledAt?: number | null },
): Promise<TableSessionView | Rejection> {
  const campaign = await sessionStore.campaign(svc.ctx.sql, campaignId)
  if (!campaign) return reject('table.campaign_not_found')
  if (campaign.ownerId !== caller.userId) return reject('table.not_campaign_owner')
  const session: TableSessionView = {
    id: newId(),
    campaignId,
    title: p.title,
    status: 'scheduled',
    phase: p.phase,
    scheduledAt: p.scheduledAt ?? null,
    startedAt: null,
    endedAt: null,
    createdAt: svc.ctx.clock.now(),
  }
  const gm: MemberRef = { userId: caller.userId, username: caller.username, role: 'gm' }
  await sessionStore.createSession(svc.ctx.sql, session, gm, freshSeed(0))
  return session
}

/**
 * Changes status, phase or title (GMs). Completing reveals the last seed. When the room is loaded here the
 * change runs in its queue, so no roll can slip between the reveal and the room closing.
 */
export async function updateSession(
  svc: TableService,
  caller: Caller,
  sessionId: string,
  p: { status?: TableStatus; phase?: TablePhase; title?: string },
): Promise<TableSessionView | Rejection> {
  const denied = await requireRole(svc, sessionId, caller.userId, 'gm')
  if (denied instanceof Rejection) return denied
  const { sql, clock } = svc.ctx
  const change = async (): Promise<{ next: TableSessionView; revealed: Revealed } | Rejection> => {
    const s = (await sessionStore.session(sql, sessionId)) as TableSessionView
    const status = p.status ?? s.status
    const bad = checkTransition(s.status, status)
    if (bad) return bad
    if (s.status === 'completed' && p.phase && p.phase !== s.phase) return reject('table.session_closed')
    const now = clock.now()
    const next: TableSessionView = {
      ...s,
      title: p.title ?? s.title,
      status,
      phase: p.phase ?? s.phase,
      startedAt: s.startedAt ?? (status === 'in_progress' ? now : null),
      endedAt: status === 'completed' ? (s.endedAt ?? now) : null,
    }
    let revealed: Revealed = null
    await sql.transaction(async (tx) => {
      if (status === 'completed' && s.status !== 'completed') {
        const seed = (await sessionStore.seeds(tx, sessionId)).at(-1)!
        await sessionStore.revealSeed(tx, sessionId, seed.epoch, now)
        revealed = { epoch: seed.epoch, serverSeed: seed.serverSeed, commitment: seed.commitment }
      }
      await sessionStore.updateSession(tx, sessionId, next)
      if (next.title !== s.title)
        await tx.query('UPDATE table_sessions SET title = $2 WHERE id = $1', [sessionId, next.title])
    })
    return { next, revealed }
  }
  const room = svc.rooms.get(sessionId)
  if (room) {
    return room.run(async () => {
      const r = await change()
      if (r instanceof Rejection) return r
      if (!room.closed) await applySession(room, r.next, r.revealed)
      return r.next
    })
  }
  const r = await change()
  if (r instanceof Rejection) return r
  await svc.rooms.notify({ sessionId, what: 'session', revealed: r.revealed })
  return r.next
}

/** An invite code for a role (GMs); by default valid for `inviteDays` and unlimited uses. */
export async function createInvite(
  svc: TableService,
  caller: Caller,
  sessionId: string,
  p: { role: TableRole; maxUses?: number | null; expiresInHours?: number | null },
): Promise<Invite | Rejection> {
  const denied = await requireRole(svc, sessionId, caller.userId, 'gm')
  if (denied instanceof Rejection) return denied
  const now = svc.ctx.clock.now()
  const hours = p.expiresInHours === undefined ? svc.ctx.config.inviteDays * 24 : p.expiresInHours
  const invite: Invite = {
    code: inviteCode(),
    sessionId,
    role: p.role,
    expiresAt: hours === null ? null : now + hours * 3_600_000,
    maxUses: p.maxUses ?? null,
    uses: 0,
  }
  await sessionStore.createInvite(svc.ctx.sql, invite, caller.userId, now)
  return invite
}

class AlreadyMember extends Error {}

/** Joins a session with an invite code; one use is spent only if the caller was not a member already. */
export async function redeemInvite(svc: TableService, caller: Caller, code: string) {
  const { sql, clock } = svc.ctx
  const now = clock.now()
  let joined: { sessionId: string; role: TableRole } | null
  try {
    joined = await sql.transaction(async (tx) => {
      const invite = await sessionStore.redeemInvite(tx, code.trim().toUpperCase(), now)
      if (!invite) return null
      const member = { userId: caller.userId, username: caller.username, role: invite.role }
      if (!(await sessionStore.addMember(tx, invite.sessionId, member, now))) throw new AlreadyMember()
      return invite
    })
  } catch (err) {
    if (err instanceof AlreadyMember) return reject('table.already_member')
    throw err
  }
  if (!joined) return reject('table.invite_invalid')
  await svc.rooms.notify({ sessionId: joined.sessionId, what: 'members' })
  return joined
}

/** Leaves a session (the last GM cannot). */
export async function leaveSession(svc: TableService, caller: Caller, sessionId: string) {
  return removeMember(svc, caller, sessionId, caller.userId)
}

/** Changes a member's role (GMs); the last GM cannot be demoted. */
export async function setRole(
  svc: TableService,
  caller: Caller,
  sessionId: string,
  userId: string,
  role: TableRole,
) {
  const denied = await requireRole(svc, sessionId, caller.userId, 'gm')
  if (denied instanceof Rejection) return denied
  const bad = await keepsAGm(svc, sessionId, userId, role)
  if (bad) return bad
  if (!(await sessionStore.setRole(svc.ctx.sql, sessionId, userId, role)))
    return reject('table.member_not_found')
  await svc.rooms.notify({ sessionId, what: 'members' })
  return { userId, role }
}

/** Removes a member (GMs remove anyone, anyone removes themselves); the last GM stays. */
export async function removeMember(svc: TableService, caller: Caller, sessionId: string, userId: string) {
  const need: Need = userId === caller.userId ? 'read' : 'gm'
  const denied = await requireRole(svc, sessionId, caller.userId, need)
  if (denied instanceof Rejection) return denied
  const bad = await keepsAGm(svc, sessionId, userId, null)
  if (bad) return bad
  if (!(await sessionStore.removeMember(svc.ctx.sql, sessionId, userId)))
    return reject('table.member_not_found')
  await svc.rooms.notify({ sessionId, what: 'members' })
  return {}
}

async function keepsAGm(svc: TableService, sessionId: string, userId: string, newRole: TableRole | null) {
  const members = await sessionStore.members(svc.ctx.sql, sessionId)
  const gms = members.filter((m) => m.role === 'gm').map((m) => m.userId)
  if (newRole !== 'gm' && gms.length === 1 && gms[0] === userId) return reject('table.last_gm')
  return null
}
