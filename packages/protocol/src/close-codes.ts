/** WebSocket close codes Tavern uses. 1000–1015 keep their RFC 6455 meaning (1009: frame over the size limit). */
export const CloseCode = {
  /** The peer broke the protocol too often (undecodable frames, invalid envelopes). */
  PROTOCOL_ERROR: 4000,
  /** The token was missing, invalid or expired. */
  INVALID_TOKEN: 4001,
  /** No successful `auth` request within the authentication deadline. */
  AUTH_TIMEOUT: 4002,
  /** The account is banned or suspended. */
  FORBIDDEN: 4003,
  /** The resource the connection was for does not exist. */
  NOT_FOUND: 4004,
  /** The server is at capacity. Retry later. */
  OVER_CAPACITY: 4005,
  /** The client read too slowly and its send buffer overflowed. Resume to get the missed events. */
  SLOW_CONSUMER: 4007,
  /** The connection flooded the server past its message budget. */
  RATE_LIMITED: 4008,
  /** A newer session of the same account took over. Do not reconnect automatically. */
  REPLACED: 4009,
  /** The server is shutting down. Reconnect (to another process) after a short delay. */
  SERVER_SHUTDOWN: 4010,
  /** Nothing arrived from the client within the idle timeout. */
  IDLE_TIMEOUT: 4011,
  /** An administrator or moderator disconnected this account. */
  KICKED: 4013,
  /**
   * The account's role changed, so its access tokens are stale and its session has ended: refresh the access token,
   * then connect again (a fresh session, announced by `session.resync`).
   */
  REAUTHENTICATE: 4014,
} as const

export type CloseCodeName = keyof typeof CloseCode

/** Close codes after which a client should not reconnect on its own. */
export const terminalCloseCodes: ReadonlySet<number> = new Set([
  CloseCode.INVALID_TOKEN,
  CloseCode.FORBIDDEN,
  CloseCode.REPLACED,
  CloseCode.KICKED,
])
