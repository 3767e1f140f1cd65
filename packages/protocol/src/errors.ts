/**
 * The one error catalog. Every rejection Tavern sends — over REST or the WebSocket — carries one of these codes.
 * Codes are stable: clients may switch on them. Messages are for people and may change.
 */
export const errorCategories = [
  'validation',
  'permission',
  'rate_limit',
  'not_found',
  'conflict',
  'system',
] as const
export type ErrorCategory = (typeof errorCategories)[number]

interface ErrorSpec {
  readonly category: ErrorCategory
  /** HTTP status used when the error crosses a REST boundary. */
  readonly status: number
  readonly message: string
}

const e = (category: ErrorCategory, status: number, message: string): ErrorSpec => ({
  category,
  status,
  message,
})

export const errorCatalog = {
  // Gateway and protocol
  'sys.malformed_frame': e('validation', 400, 'The frame could not be decoded'),
  'sys.invalid_envelope': e('validation', 400, 'The envelope must be { type, id?, payload }'),
  'sys.unknown_type': e('not_found', 404, 'Unknown message type'),
  'sys.invalid_payload': e('validation', 400, 'The payload does not match the schema of its type'),
  'sys.payload_too_large': e('validation', 413, 'The payload is larger than this message type allows'),
  'sys.rate_limited': e('rate_limit', 429, 'Too many requests of this kind'),
  'sys.not_authenticated': e('permission', 401, 'Authenticate first'),
  'sys.already_authenticated': e('conflict', 409, 'This connection is already authenticated'),
  'sys.not_event': e('validation', 400, 'This type is an event and cannot be sent by a client'),
  'sys.timeout': e('system', 504, 'The request timed out'),
  'sys.disconnected': e('system', 503, 'The connection closed before the reply arrived'),
  'sys.shutting_down': e('system', 503, 'The server is shutting down'),
  'sys.over_capacity': e('rate_limit', 503, 'The server is full'),
  'sys.internal': e('system', 500, 'Internal error'),
  'sys.route_not_found': e('not_found', 404, 'No such route'),
  // REST edge
  'http.unsupported_media_type': e(
    'validation',
    415,
    'The request body must be JSON (Content-Type: application/json)',
  ),
  // Accounts and sessions
  'auth.invalid_credentials': e('permission', 401, 'Wrong username or password'),
  'auth.token_missing': e('permission', 401, 'An access token is required'),
  'auth.token_invalid': e('permission', 401, 'The token is invalid'),
  'auth.token_expired': e('permission', 401, 'The token has expired'),
  'auth.refresh_invalid': e('permission', 401, 'The refresh token is invalid or has been revoked'),
  'auth.refresh_reused': e(
    'permission',
    401,
    'The refresh token was already used; every session of this login is revoked',
  ),
  'auth.banned': e('permission', 403, 'This account is banned'),
  'auth.suspended': e('permission', 403, 'This account is suspended for a while'),
  'auth.forbidden': e('permission', 403, 'Your role does not allow this'),
  'auth.username_taken': e('conflict', 409, 'That username is taken'),
  'auth.too_many_attempts': e('rate_limit', 429, 'Too many failed logins; wait before trying again'),
  'auth.user_not_found': e('not_found', 404, 'No such user'),
  // Chat and presence
  'chat.empty': e('validation', 400, 'The message is empty'),
  'chat.too_long': e('validation', 400, 'The message is too long for this channel'),
  'chat.forbidden': e('permission', 403, 'You may not post in this channel'),
  'chat.muted': e('permission', 403, 'You are muted'),
  'chat.channel_not_found': e('not_found', 404, 'No such channel'),
  'chat.not_member': e('permission', 403, 'You are not a member of this channel'),
  'chat.recipient_offline': e('not_found', 404, 'The recipient is not online'),
  'chat.recipient_self': e('validation', 400, 'You cannot send a direct message to yourself'),
  // Tabletop
  'table.dice_syntax': e('validation', 400, 'The dice notation could not be read'),
  'table.dice_bounds': e('validation', 400, 'The dice notation asks for more than the table allows'),
  'table.dice_division_by_zero': e('validation', 400, 'The dice expression divides by zero'),
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof errorCatalog

/** The error payload every rejection carries, on REST bodies and `error` frames alike. */
export interface ErrorBody {
  code: ErrorCode | (string & {})
  category: ErrorCategory
  message: string
  /** Milliseconds to wait before retrying, where waiting helps. */
  retryAfterMs?: number
  /** For rate limits: which operation was limited (a message type or a REST operation). */
  operation?: string
  /** Field-level details, e.g. schema issues. */
  details?: unknown
}

/** Builds the error body for a catalog code, with an optional more specific message. */
export function errorBody(
  code: ErrorCode,
  extra: Partial<Omit<ErrorBody, 'code' | 'category'>> = {},
): ErrorBody {
  const spec = errorCatalog[code]
  return { code, category: spec.category, message: extra.message ?? spec.message, ...stripUndefined(extra) }
}

function stripUndefined<T extends object>(o: T): T {
  const out = {} as T
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v
  return out
}

/** Thrown by server code and normalised at the edge into an {@link ErrorBody}. Client code receives it too. */
export class TavernError extends Error {
  readonly code: ErrorCode | (string & {})
  readonly category: ErrorCategory
  readonly retryAfterMs: number | undefined
  readonly operation: string | undefined
  readonly details: unknown
  constructor(body: ErrorBody) {
    super(body.message)
    this.name = 'TavernError'
    this.code = body.code
    this.category = body.category
    this.retryAfterMs = body.retryAfterMs
    this.operation = body.operation
    this.details = body.details
  }
  static of(code: ErrorCode, extra?: Partial<Omit<ErrorBody, 'code' | 'category'>>): TavernError {
    return new TavernError(errorBody(code, extra))
  }
  toBody(): ErrorBody {
    return errorBody(this.code as ErrorCode, {
      message: this.message,
      retryAfterMs: this.retryAfterMs,
      operation: this.operation,
      details: this.details,
    })
  }
}
