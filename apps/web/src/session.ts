import { type AuthTokens, TavernClient } from '@tavern/client'

const STORAGE_KEY = 'tavern.tokens'

/** One logged-in player: the SDK client and who they are. */
export interface Session {
  client: TavernClient
  user: AuthTokens['user']
}

function newClient(): TavernClient {
  return new TavernClient({ url: window.location.origin })
}

function keep(client: TavernClient): Session {
  const save = () => {
    if (client.tokens) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(client.tokens))
  }
  save()
  // A reconnect may rotate the refresh token; the stored one must follow or a reload would reuse a spent one.
  client.onState((s) => s === 'open' && save())
  return { client, user: client.tokens!.user }
}

/** Creates an account (or logs in) and opens the socket. */
export async function signIn(
  mode: 'login' | 'register',
  username: string,
  password: string,
): Promise<Session> {
  const client = newClient()
  if (mode === 'register') await client.register(username, password)
  else await client.login(username, password)
  await client.connect()
  return keep(client)
}

/** Picks up the login of this tab after a reload (the refresh token is exchanged when needed). */
export async function restore(): Promise<Session | null> {
  const raw = sessionStorage.getItem(STORAGE_KEY)
  if (!raw) return null
  const client = newClient()
  try {
    client.tokens = JSON.parse(raw) as AuthTokens
    await client.connect()
    return keep(client)
  } catch {
    sessionStorage.removeItem(STORAGE_KEY)
    client.close()
    return null
  }
}

/** Logs out everywhere this tab knows of. */
export async function signOut(session: Session): Promise<void> {
  sessionStorage.removeItem(STORAGE_KEY)
  await session.client.logout().catch(() => undefined)
}

/** An access token good for a REST call: refreshed first when it is about to expire (the socket does not need it). */
export async function freshToken(client: TavernClient): Promise<string | undefined> {
  const t = client.tokens
  if (!t) return undefined
  if (t.expiresAt - Date.now() < 30_000) {
    client.tokens = await client.rest.refresh(t.refreshToken)
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(client.tokens))
  }
  return client.tokens?.accessToken
}
