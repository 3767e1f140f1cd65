import type { TableEntry, TableSessionView } from '@tavern/protocol'
import { Rejection } from '@tavern/server'
import { type Caller, requireRole } from './manage.ts'
import { buildRecap, rollsOf, toMarkdown } from './rules/report.ts'
import type { TableService } from './service.ts'
import type { Reader } from './store/log.ts'
import { sessionStore } from './store/sessions.ts'

/** The caller's session, role and the reader their log queries use. */
async function readerOf(svc: TableService, caller: Caller, sessionId: string) {
  const role = await requireRole(svc, sessionId, caller.userId, 'read')
  if (role instanceof Rejection) return role
  const session = (await sessionStore.session(svc.ctx.sql, sessionId)) as TableSessionView
  const reader: Reader = { userId: caller.userId, gm: role === 'gm' }
  return { session, role, reader }
}

/** The session with its members (online as far as this process knows) and the current commitment. */
export async function sessionInfo(svc: TableService, caller: Caller, sessionId: string) {
  const r = await readerOf(svc, caller, sessionId)
  if (r instanceof Rejection) return r
  const room = svc.rooms.get(sessionId)
  const members = room
    ? room.memberList()
    : (await sessionStore.members(svc.ctx.sql, sessionId)).map((m) => ({ ...m, online: false }))
  const seed = (await sessionStore.seeds(svc.ctx.sql, sessionId)).at(-1)!
  return {
    session: r.session,
    you: { userId: caller.userId, username: caller.username, role: r.role },
    members,
    fairness: { epoch: seed.epoch, commitment: seed.commitment, defaultClientSeed: `table:${sessionId}` },
  }
}

/** Who is in the room right now, as this process sees it (with one process, exactly). */
export async function roomInfo(svc: TableService, caller: Caller, sessionId: string) {
  const r = await readerOf(svc, caller, sessionId)
  if (r instanceof Rejection) return r
  const room = svc.rooms.get(sessionId)
  const players = room ? room.memberList().filter((m) => m.online) : []
  return {
    sessionId,
    campaignId: r.session.campaignId,
    status: r.session.status,
    phase: r.session.phase,
    loaded: room !== undefined,
    players,
    playerCount: players.length,
  }
}

/**
 * Commitments, revealed seeds and the record of every roll the caller may see — every roll of the session once
 * it is completed — so anyone can recompute them with the dice engine's `verify`.
 */
export async function fairness(svc: TableService, caller: Caller, sessionId: string) {
  const r = await readerOf(svc, caller, sessionId)
  if (r instanceof Rejection) return r
  const seeds = await sessionStore.seeds(svc.ctx.sql, sessionId)
  const reader = r.session.status === 'completed' ? 'all' : r.reader
  const entries = await svc.log.all(sessionId, reader, svc.knownSeq(sessionId))
  const current = seeds.at(-1)!
  return {
    sessionId,
    status: r.session.status,
    current: { epoch: current.epoch, commitment: current.commitment },
    seeds: seeds.map((s) => ({
      epoch: s.epoch,
      commitment: s.commitment,
      committedAt: s.committedAt,
      revealedAt: s.revealedAt,
      serverSeed: s.revealedAt === null ? null : s.serverSeed,
    })),
    rolls: entries.flatMap((e) =>
      rollsOf(e).map((roll) => ({ seq: e.seq, by: e.from?.userId ?? null, ...roll.record })),
    ),
  }
}

/** The whole log the caller may see, as JSON or Markdown. */
export async function exportLog(
  svc: TableService,
  caller: Caller,
  sessionId: string,
  format: 'json' | 'markdown',
) {
  const r = await readerOf(svc, caller, sessionId)
  if (r instanceof Rejection) return r
  const entries: TableEntry[] = await svc.log.all(sessionId, r.reader, svc.knownSeq(sessionId))
  const now = svc.ctx.clock.now()
  if (format === 'markdown') return { markdown: toMarkdown(r.session, entries, now) }
  return { json: { session: r.session, exportedAt: now, entries } }
}

/** A recap built from the log the caller may see. */
export async function recap(svc: TableService, caller: Caller, sessionId: string) {
  const r = await readerOf(svc, caller, sessionId)
  if (r instanceof Rejection) return r
  const entries = await svc.log.all(sessionId, r.reader, svc.knownSeq(sessionId))
  return { session: r.session, ...buildRecap(r.session, entries) }
}
