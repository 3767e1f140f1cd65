import type { TableRole, TableSessionView } from '@tavern/protocol'
import { freshToken, type Session } from '../session.ts'

/** A session of mine, as the lobby lists it. */
export type MySession = TableSessionView & { role: TableRole }

async function call<T>(s: Session, method: string, path: string, body?: unknown): Promise<T> {
  return s.client.rest.call<T>(method, path, body, await freshToken(s.client))
}

/** The REST side of the tabletop: campaigns, sessions and invite codes. */
export const tableApi = {
  mine: (s: Session) => call<{ sessions: MySession[] }>(s, 'GET', '/api/table/sessions'),
  /** A new campaign with one running session, of which the caller is the game master. */
  async open(s: Session, title: string): Promise<TableSessionView> {
    const campaign = await call<{ id: string }>(s, 'POST', '/api/table/campaigns', { name: title })
    const session = await call<TableSessionView>(s, 'POST', `/api/table/campaigns/${campaign.id}/sessions`, {
      title,
    })
    return call<TableSessionView>(s, 'PATCH', `/api/table/sessions/${session.id}`, { status: 'in_progress' })
  },
  invite: (s: Session, sessionId: string, role: TableRole = 'player') =>
    call<{ code: string }>(s, 'POST', `/api/table/sessions/${sessionId}/invites`, {
      role,
      expiresInHours: 24,
    }),
  join: (s: Session, code: string) =>
    call<{ sessionId: string; role: TableRole }>(s, 'POST', '/api/table/join', { code }),
}
