import type { ErrorCode } from '@tavern/protocol'

/** A refused action: a catalog code, never an exception. `retryAfterMs` is set for cooldowns. */
export interface Rejected {
  readonly ok: false
  readonly code: ErrorCode
  readonly retryAfterMs?: number
  readonly details?: Readonly<Record<string, unknown>>
}

export type Accepted<T> = { readonly ok: true } & T

/** What every rule returns: the new state (and effects) or a rejection. */
export type Result<T> = Accepted<T> | Rejected

/** Builds a rejection. */
export function rejected(
  code: ErrorCode,
  extra: { retryAfterMs?: number; details?: Record<string, unknown> } = {},
): Rejected {
  return { ok: false, code, ...extra }
}

/** Builds an acceptance carrying `value`'s fields. */
export function accepted<T extends object>(value: T): Accepted<T> {
  return { ok: true, ...value }
}
