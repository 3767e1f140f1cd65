import type { TestServer } from '@tavern/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeOf, player, startTableServer, table } from './table-helpers.ts'

describe('tabletop campaigns and sessions over REST', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTableServer()
  })
  afterAll(() => server?.close())

  it('creates a campaign and a session whose creator is GM and whose seed is committed before any roll', async () => {
    const { gm, players, sessionId, campaign } = await table(server.url, ['player', 'spectator'])
    const info = await gm.rest<{
      session: { status: string; phase: string; campaignId: string }
      you: { role: string }
      members: Array<{ username: string; role: string }>
      fairness: { epoch: number; commitment: string }
    }>('GET', `/api/table/sessions/${sessionId}`)
    expect(info.session).toMatchObject({ status: 'scheduled', phase: 'roleplay', campaignId: campaign.id })
    expect(info.you.role).toBe('gm')
    expect(info.members.map((m) => m.role)).toEqual(['gm', 'player', 'spectator'])
    expect(info.fairness).toMatchObject({ epoch: 0, commitment: expect.stringMatching(/^[0-9a-f]{64}$/) })

    const mine = await players[0]!.rest<{ sessions: Array<{ id: string; role: string }> }>(
      'GET',
      '/api/table/sessions',
    )
    expect(mine.sessions).toEqual([expect.objectContaining({ id: sessionId, role: 'player' })])
    const listed = await gm.rest<{ campaigns: Array<{ id: string }> }>('GET', '/api/table/campaigns')
    expect(listed.campaigns.map((c) => c.id)).toContain(campaign.id)
    const played = await players[0]!.rest<{ campaigns: Array<{ id: string }> }>('GET', '/api/table/campaigns')
    expect(played.campaigns.map((c) => c.id)).toEqual([campaign.id])
    const sessions = await gm.rest<{ sessions: unknown[] }>(
      'GET',
      `/api/table/campaigns/${campaign.id}/sessions`,
    )
    expect(sessions.sessions).toHaveLength(1)
  })

  it('moves through statuses and phases; only GMs may, and completed is final', async () => {
    const { gm, players, sessionId } = await table(server.url)
    const path = `/api/table/sessions/${sessionId}`
    expect(await codeOf(players[0]!.rest('PATCH', path, { status: 'in_progress' }))).toBe('table.gm_only')
    expect(await codeOf(gm.rest('PATCH', path, { status: 'paused' }))).toBe('table.invalid_transition')
    const started = await gm.rest<{ status: string; startedAt: number }>('PATCH', path, {
      status: 'in_progress',
      phase: 'exploration',
    })
    expect(started).toMatchObject({
      status: 'in_progress',
      phase: 'exploration',
      startedAt: expect.any(Number),
    })
    await gm.rest('PATCH', path, { status: 'paused' })
    await gm.rest('PATCH', path, { status: 'in_progress', phase: 'combat' })
    const ended = await gm.rest<{ status: string; endedAt: number }>('PATCH', path, { status: 'completed' })
    expect(ended).toMatchObject({ status: 'completed', endedAt: expect.any(Number) })
    expect(await codeOf(gm.rest('PATCH', path, { status: 'in_progress' }))).toBe('table.invalid_transition')
    expect(await codeOf(gm.rest('PATCH', path, {}))).toBe('sys.invalid_payload')
  })

  it('invites by code with a role, a use limit and an expiry; joining twice spends nothing', async () => {
    const { gm, sessionId } = await table(server.url, [])
    const invite = await gm.rest<{ code: string; role: string; maxUses: number }>(
      'POST',
      `/api/table/sessions/${sessionId}/invites`,
      { role: 'spectator', maxUses: 1 },
    )
    expect(invite).toMatchObject({
      role: 'spectator',
      maxUses: 1,
      code: expect.stringMatching(/^[A-Z2-9]{10}$/),
    })
    const a = await player(server.url)
    expect(await a.rest('POST', '/api/table/join', { code: invite.code.toLowerCase() })).toEqual({
      sessionId,
      role: 'spectator',
    })
    expect(await codeOf(a.rest('POST', '/api/table/join', { code: invite.code }))).toBe(
      'table.invite_invalid',
    )
    const b = await player(server.url)
    expect(await codeOf(b.rest('POST', '/api/table/join', { code: invite.code }))).toBe(
      'table.invite_invalid',
    )
    expect(await codeOf(b.rest('POST', '/api/table/join', { code: 'NOPENOPE22' }))).toBe(
      'table.invite_invalid',
    )

    const open = await gm.rest<{ code: string }>('POST', `/api/table/sessions/${sessionId}/invites`, {})
    await b.rest('POST', '/api/table/join', { code: open.code })
    expect(await codeOf(b.rest('POST', '/api/table/join', { code: open.code }))).toBe('table.already_member')
    // Hostile: players cannot mint invites (for any role).
    expect(await codeOf(b.rest('POST', `/api/table/sessions/${sessionId}/invites`, { role: 'gm' }))).toBe(
      'table.gm_only',
    )
  })

  it('manages members: roles, removal, leaving, and the last GM stays', async () => {
    const { gm, players, sessionId } = await table(server.url)
    const [p1, p2] = players as [(typeof players)[0], (typeof players)[0]]
    const base = `/api/table/sessions/${sessionId}`
    expect(await codeOf(gm.rest('POST', `${base}/leave`))).toBe('table.last_gm')
    expect(await codeOf(gm.rest('PUT', `${base}/members/${gm.userId}`, { role: 'player' }))).toBe(
      'table.last_gm',
    )
    expect(await codeOf(p1.rest('PUT', `${base}/members/${p1.userId}`, { role: 'gm' }))).toBe('table.gm_only')
    expect(await codeOf(p1.rest('DELETE', `${base}/members/${p2.userId}`))).toBe('table.gm_only')
    expect(await gm.rest('PUT', `${base}/members/${p1.userId}`, { role: 'gm' })).toEqual({
      userId: p1.userId,
      role: 'gm',
    })
    await gm.rest('POST', `${base}/leave`)
    expect(await codeOf(gm.rest('GET', base))).toBe('table.not_member')
    await p1.rest('DELETE', `${base}/members/${p2.userId}`)
    expect(await codeOf(p2.rest('GET', base))).toBe('table.not_member')
    expect(await codeOf(p1.rest('DELETE', `${base}/members/${p2.userId}`))).toBe('table.member_not_found')
  })

  it('refuses outsiders and strangers everywhere', async () => {
    const { campaign, sessionId } = await table(server.url, [])
    const stranger = await player(server.url)
    const base = `/api/table/sessions/${sessionId}`
    for (const [method, path] of [
      ['GET', base],
      ['GET', `${base}/room`],
      ['GET', `${base}/history`],
      ['GET', `${base}/export`],
      ['GET', `${base}/recap`],
      ['GET', `${base}/fairness`],
      ['PATCH', base],
      ['POST', `${base}/invites`],
    ] as const) {
      const body = method === 'PATCH' ? { status: 'completed' } : method === 'POST' ? {} : undefined
      expect(`${method} ${path}: ${await codeOf(stranger.rest(method, path, body))}`).toBe(
        `${method} ${path}: table.not_member`,
      )
    }
    expect(await codeOf(stranger.rest('GET', '/api/table/sessions/doesnotexist'))).toBe(
      'table.session_not_found',
    )
    expect(
      await codeOf(
        stranger.rest('POST', `/api/table/campaigns/${campaign.id}/sessions`, { title: 'mine now' }),
      ),
    ).toBe('table.not_campaign_owner')
    expect(await codeOf(stranger.rest('GET', `/api/table/campaigns/${campaign.id}/sessions`))).toBe(
      'table.not_campaign_owner',
    )
    const res = await fetch(`${server.url}${base}`)
    expect(res.status).toBe(401)
    expect(((await res.json()) as { code: string }).code).toBe('auth.token_missing')
  })

  it('documents its routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>
    }
    for (const p of [
      '/api/table/campaigns',
      '/api/table/campaigns/{campaignId}/sessions',
      '/api/table/sessions/{sessionId}',
      '/api/table/join',
      '/api/table/sessions/{sessionId}/fairness',
      '/api/table/sessions/{sessionId}/export',
      '/api/table/sessions/{sessionId}/recap',
    ]) {
      expect(doc.paths).toHaveProperty([p])
    }
  })
})
