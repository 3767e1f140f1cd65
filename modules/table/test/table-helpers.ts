import { TavernClient } from '@tavern/client'
import type {
  EventPayload,
  EventType,
  RequestPayload,
  RequestType,
  ResponsePayload,
  TableRole,
  TableSessionView,
} from '@tavern/protocol'
import { TavernError } from '@tavern/protocol'
import { startTestServer, type TestServer } from '@tavern/server/testing'
import { tableModule } from '@tavern/table'
import WebSocket from 'ws'

let counter = 0

/** A unique username per test run, so tests never collide on a shared database. */
export function uniqueName(prefix = 't'): string {
  counter++
  return `${prefix}${process.pid % 10000}x${Date.now() % 100000}x${counter}`.slice(0, 32)
}

/**
 * A Tavern with the tabletop module, fast flushes, short grace, rooms unloaded as soon as they are empty;
 * `shared` runs it as a second process on another server's stores.
 */
export function startTableServer(
  table: Record<string, unknown> = {},
  shared?: TestServer,
): Promise<TestServer> {
  return startTestServer({
    modules: [tableModule],
    shared: shared && { db: shared.db, hot: shared.hot, bus: shared.bus },
    config: {
      state: { flushIntervalMs: 200 },
      gateway: { resumeGraceMs: 2000 },
      modules: { settings: { table: { roomIdleMs: 0, loopHz: 10, ...table } } },
    },
  })
}

export interface Player {
  client: TavernClient
  name: string
  userId: string
  /** REST call with this player's token. */
  rest<T>(method: string, path: string, body?: unknown): Promise<T>
  /** A request that waits out rate limits instead of failing. */
  send<T extends RequestType>(type: T, payload: RequestPayload<T>): Promise<ResponsePayload<T>>
  /** Every event of a type received since this call. */
  events<T extends EventType>(type: T): Array<EventPayload<T>>
}

/** A connected SDK client: registered, or logged in again with `login` (after a restart). */
export async function player(
  url: string,
  name = uniqueName(),
  opts: { login?: boolean } = {},
): Promise<Player> {
  const client = new TavernClient({
    url,
    WebSocket: WebSocket as never,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  })
  const tokens = opts.login
    ? await client.login(name, 'correct horse battery')
    : await client.register(name, 'correct horse battery')
  await client.connect()
  return {
    client,
    name,
    userId: tokens.user.userId,
    rest: (method, path, body) => client.rest.call(method, path, body, client.tokens!.accessToken),
    async send(type, payload) {
      for (;;) {
        try {
          return await client.request(type, payload)
        } catch (err) {
          if (!(err instanceof TavernError) || err.code !== 'sys.rate_limited') throw err
          await sleep(err.retryAfterMs ?? 100)
        }
      }
    },
    events(type) {
      const out: Array<EventPayload<typeof type>> = []
      client.on(type, (p) => out.push(p))
      return out
    },
  }
}

/** A GM with a campaign and a session, and players who joined it by invite code (not yet in the room). */
export async function table(url: string, roles: TableRole[] = ['player', 'player']) {
  const gm = await player(url)
  const campaign = await gm.rest<{ id: string }>('POST', '/api/table/campaigns', {
    name: 'The Sunless Citadel',
  })
  const session = await gm.rest<TableSessionView>('POST', `/api/table/campaigns/${campaign.id}/sessions`, {
    title: 'Session one',
  })
  const others: Player[] = []
  for (const role of roles) {
    const p = await player(url)
    const invite = await gm.rest<{ code: string }>('POST', `/api/table/sessions/${session.id}/invites`, {
      role,
    })
    await p.rest('POST', '/api/table/join', { code: invite.code })
    others.push(p)
  }
  return { gm, players: others, session, campaign, sessionId: session.id }
}

/** Waits until `predicate` holds (polling), or fails after `timeoutMs`. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
) {
  const start = Date.now()
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The catalog code a promise rejects with. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (err) {
    return err instanceof TavernError ? err.code : String(err)
  }
}
