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
  // Tabletop sessions
  'table.campaign_not_found': e('not_found', 404, 'No such campaign'),
  'table.not_campaign_owner': e('permission', 403, 'Only the owner of the campaign may do this'),
  'table.session_not_found': e('not_found', 404, 'No such tabletop session'),
  'table.not_member': e('permission', 403, 'You are not a member of this session'),
  'table.gm_only': e('permission', 403, 'Only a game master of this session may do this'),
  'table.spectator_read_only': e('permission', 403, 'Spectators watch; they cannot act'),
  'table.not_token_owner': e('permission', 403, 'You may move only your own tokens'),
  'table.not_joined': e('conflict', 409, 'Join the room first (table.join)'),
  'table.session_closed': e('conflict', 409, 'The session is completed; its log is read-only'),
  'table.invalid_transition': e('conflict', 409, 'The session cannot go to that status from its current one'),
  'table.invite_invalid': e('not_found', 404, 'The invite code is unknown, expired or used up'),
  'table.already_member': e('conflict', 409, 'You are already a member of this session'),
  'table.last_gm': e('conflict', 409, 'A session needs at least one game master'),
  'table.member_not_found': e('not_found', 404, 'No such member in this session'),
  'table.text_empty': e('validation', 400, 'The text is empty'),
  'table.text_too_long': e('validation', 400, 'The text is too long'),
  'table.entry_not_found': e('not_found', 404, 'No such log entry you can see'),
  'table.room_busy': e('conflict', 409, 'Another Tavern process owns this room; retry shortly'),
  'table.combat_not_active': e('conflict', 409, 'Combat has not started'),
  'table.combat_active': e('conflict', 409, 'Combat is already running'),
  'table.combat_empty': e('conflict', 409, 'There are no combatants'),
  'table.combat_at_start': e('conflict', 409, 'This is already the first turn of the first round'),
  'table.combatant_not_found': e('not_found', 404, 'No such combatant'),
  'table.combat_full': e('conflict', 409, 'The tracker holds no more combatants'),
  'table.token_not_found': e('not_found', 404, 'No such token'),
  'table.scene_out_of_bounds': e('validation', 400, 'That is outside the grid'),
  'table.scene_full': e('conflict', 409, 'The scene holds no more tokens or fog areas'),
  'table.fog_not_found': e('not_found', 404, 'No such fog area'),
  // World (2D tile RPG)
  'world.player_dead': e('conflict', 409, 'You are dead'),
  'world.move_invalid_direction': e('validation', 400, 'Direction must be up, down, left or right'),
  'world.move_cooldown': e('rate_limit', 429, 'Moving too fast; wait for the step cooldown'),
  'world.move_out_of_bounds': e('validation', 400, 'That tile is outside the map'),
  'world.move_blocked': e('conflict', 409, 'That tile cannot be walked on'),
  'world.map_not_found': e('not_found', 404, 'No such map'),
  'world.map_not_current': e('permission', 403, 'You can only ask for chunks of the map you are on'),
  'world.map_invalid_coords': e('validation', 400, 'Tile coordinates must be whole numbers'),
  'world.map_chunk_radius': e('validation', 400, 'The chunk radius is too large'),
  'world.map_chunk_too_far': e('permission', 403, 'Those chunks are too far from you'),
  'world.inv_slot_invalid': e('validation', 400, 'No such inventory slot'),
  'world.inv_slot_empty': e('validation', 400, 'That inventory slot is empty'),
  'world.inv_full': e('conflict', 409, 'Your inventory is full'),
  'world.inv_invalid_quantity': e('validation', 400, 'The quantity must be a positive whole number'),
  'world.inv_insufficient_quantity': e('validation', 400, 'There are not that many in the slot'),
  'world.inv_unknown_item': e('not_found', 404, 'No such item'),
  'world.inv_invalid_sort': e('validation', 400, 'Sort by category, rarity, value or name'),
  'world.eq_not_equipable': e('validation', 400, 'That item cannot be equipped'),
  'world.eq_requirements_not_met': e('permission', 403, 'Your skill levels are too low for that item'),
  'world.eq_invalid_slot': e('validation', 400, 'No such equipment slot'),
  'world.eq_slot_empty': e('validation', 400, 'Nothing is equipped in that slot'),
  'world.eq_no_room': e('conflict', 409, 'No free inventory slot for what this would take off'),
  'world.eq_stack_full': e('conflict', 409, 'The equipped stack is already full'),
  'world.ground_item_not_found': e('not_found', 404, 'No such item on the ground'),
  'world.ground_item_too_far': e('conflict', 409, 'Stand on the item to pick it up'),
  'world.combat_self': e('validation', 400, 'You cannot attack yourself'),
  'world.combat_target_not_found': e('not_found', 404, 'No such target here'),
  'world.combat_not_attackable': e('permission', 403, 'That target cannot be attacked'),
  'world.combat_target_dead': e('conflict', 409, 'The target is already dead'),
  'world.combat_out_of_range': e('conflict', 409, 'The target is out of reach'),
  'world.combat_cooldown': e('rate_limit', 429, 'Your weapon is not ready yet'),
  'world.full': e('rate_limit', 503, 'The world is full; try again shortly'),
  'world.not_entered': e('conflict', 409, 'Enter the world first (world.enter)'),
  'world.inv_not_usable': e('validation', 400, 'That item cannot be used'),
  'world.appearance_invalid': e('validation', 400, 'That appearance option does not exist'),
  'world.chat_empty': e('validation', 400, 'The message is empty'),
  'world.chat_too_long': e('validation', 400, 'Local messages are at most 280 characters'),
  'world.player_not_found': e('not_found', 404, 'No such player in the world'),
  'world.trade_target_not_found': e('not_found', 404, 'That player is not near you'),
  'world.trade_self': e('validation', 400, 'You cannot trade with yourself'),
  'world.trade_busy': e('conflict', 409, 'You or they are already trading'),
  'world.trade_not_open': e('conflict', 409, 'No trade is open'),
  'world.trade_stale': e('conflict', 409, 'The trade changed; look again before accepting'),
  'world.trade_full': e('conflict', 409, 'The offer holds no more entries'),
  'world.trade_no_room': e('conflict', 409, 'One side has no room for what they would receive'),
  'world.trade_item_not_found': e('not_found', 404, 'No such entry in your offer'),
  'world.admin_unknown_item': e('not_found', 404, 'No such item'),
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
