import { type ErrorBody, TavernError, type UserRef } from '@tavern/protocol'

export interface AuthTokens {
  accessToken: string
  refreshToken: string
  /** Epoch ms at which the access token expires (client clock). */
  expiresAt: number
  user: UserRef
}

interface AuthResponse {
  user: UserRef
  accessToken: string
  refreshToken: string
  expiresIn: number
}

/** The account endpoints of the REST API. Errors arrive as {@link TavernError} with the catalog code. */
export class RestClient {
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch,
  ) {}

  async call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    const res = await this.fetchImpl(new URL(path, this.baseUrl), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    const data = text ? JSON.parse(text) : undefined
    if (!res.ok) {
      const err = (data ?? {}) as Partial<ErrorBody>
      throw new TavernError({
        code: err.code ?? 'sys.internal',
        category: err.category ?? 'system',
        message: err.message ?? `HTTP ${res.status}`,
        retryAfterMs: err.retryAfterMs,
        details: err.details,
      })
    }
    return data as T
  }

  register(username: string, password: string): Promise<AuthTokens> {
    return this.auth('/api/auth/register', { username, password })
  }

  login(username: string, password: string): Promise<AuthTokens> {
    return this.auth('/api/auth/login', { username, password })
  }

  refresh(refreshToken: string): Promise<AuthTokens> {
    return this.auth('/api/auth/refresh', { refreshToken })
  }

  async logout(refreshToken: string): Promise<void> {
    await this.call('POST', '/api/auth/logout', { refreshToken })
  }

  private async auth(path: string, body: unknown): Promise<AuthTokens> {
    const r = await this.call<AuthResponse>('POST', path, body)
    return {
      accessToken: r.accessToken,
      refreshToken: r.refreshToken,
      expiresAt: Date.now() + r.expiresIn * 1000,
      user: r.user,
    }
  }
}
