import type { ErrorCode } from '@tavern/protocol'

/** Sentences players read instead of catalog codes. Codes not listed fall back to the server's message. */
const friendly: Partial<Record<ErrorCode, string>> = {
  'auth.invalid_credentials': 'That name and password do not match. Check them and try again.',
  'auth.username_taken': 'Someone already goes by that name. Pick another.',
  'auth.too_many_attempts': 'Too many tries. Rest by the fire a moment, then try again.',
  'auth.banned': 'This account has been banned from the tavern.',
  'auth.suspended': 'This account is suspended for a while.',
  'auth.refresh_invalid': 'Your login has expired. Please log in again.',
  'auth.refresh_reused': 'Your login was used elsewhere, so every session was closed. Please log in again.',
  'auth.token_expired': 'Your login has expired. Please log in again.',
  'sys.invalid_payload': 'Something in that form is not right.',
  'sys.rate_limited': 'Easy there — you are doing that too fast.',
  'sys.disconnected': 'The connection to the tavern dropped. Reconnecting…',
  'sys.timeout': 'The tavern took too long to answer. Try again.',
  'sys.over_capacity': 'The tavern is full. Try again in a minute.',
  'sys.shutting_down': 'The tavern is closing for a moment. It will be back shortly.',
  'chat.empty': 'Say something first.',
  'chat.too_long': 'That message is too long.',
  'chat.muted': 'You are muted and cannot speak right now.',
  'chat.forbidden': 'Only the staff may speak in that channel.',
  'chat.recipient_offline': 'They are not online right now.',
  'chat.recipient_self': 'Talking to yourself? Pick someone else.',
  'table.dice_syntax': 'The dice could not be read. Try something like 1d20+5 or 4d6kh3.',
  'table.dice_bounds': 'That is more dice than the table allows.',
  'table.dice_division_by_zero': 'That formula divides by zero.',
  'table.invite_invalid': 'No table answers to that code. It may have expired.',
  'table.already_member': 'You already have a seat at this table.',
  'table.gm_only': 'Only the game master can do that.',
  'table.spectator_read_only': 'Spectators watch; they cannot act.',
  'table.not_token_owner': 'That token is not yours to move.',
  'table.session_closed': 'This session has ended; its log is read-only.',
  'table.session_not_found': 'That table no longer exists.',
  'table.text_empty': 'Say something first.',
  'table.combat_not_active': 'Start combat first.',
  'table.combat_empty': 'Add someone to the initiative tracker first.',
  'world.player_dead': 'You are dead. You will rise again in a moment.',
  'world.move_cooldown': 'Not so fast!',
  'world.move_blocked': 'You cannot walk there.',
  'world.move_out_of_bounds': 'That is the edge of the world.',
  'world.inv_full': 'Your pack is full.',
  'world.inv_slot_empty': 'There is nothing in that slot.',
  'world.eq_not_equipable': 'You cannot wear or wield that.',
  'world.eq_requirements_not_met': 'Your skills are not high enough to use that yet.',
  'world.eq_no_room': 'Make room in your pack first.',
  'world.ground_item_not_found': 'Someone got there first.',
  'world.ground_item_too_far': 'Stand on the item to pick it up.',
  'world.combat_self': 'You cannot attack yourself.',
  'world.combat_target_dead': 'It is already dead.',
  'world.combat_not_attackable': 'You cannot attack them.',
  'world.combat_out_of_range': 'Get closer to attack.',
  'world.combat_cooldown': 'Your weapon is not ready yet.',
}

/** A sentence for an error: the friendly one for a known code, else the error's own message. */
export function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; details?: unknown }
  if (e?.code && e.code in friendly) return friendly[e.code as ErrorCode]!
  if (e?.code === 'sys.invalid_payload') return 'Something in that form is not right.'
  if (e instanceof TypeError) return 'The tavern cannot be reached. Is the server running?'
  return e?.message ?? 'Something went wrong.'
}
