import { type ErrorBody, errorBody, TavernError } from '@tavern/protocol'

export type DiceErrorCode = 'table.dice_syntax' | 'table.dice_bounds' | 'table.dice_division_by_zero'

/** The structured error every bad notation produces: what went wrong and where (0-based offset). */
export interface DiceErrorInfo {
  code: DiceErrorCode
  message: string
  position: number
  /** What the parser expected at `position`, when it expected something specific. */
  expected?: string
}

/** Thrown by the low-level `parse` and `roll`; the `try*` helpers and `expandInline` return it as a value. */
export class DiceError extends TavernError {
  readonly position: number
  readonly expected: string | undefined
  constructor(info: DiceErrorInfo) {
    super(errorBody(info.code, { message: info.message, details: detailsOf(info) }))
    this.name = 'DiceError'
    this.position = info.position
    this.expected = info.expected
  }
  /** The plain `{ code, message, position }` value. */
  info(): DiceErrorInfo {
    const out: DiceErrorInfo = {
      code: this.code as DiceErrorCode,
      message: this.message,
      position: this.position,
    }
    if (this.expected !== undefined) out.expected = this.expected
    return out
  }
  /** The same error moved by `offset` characters (an inline roll inside a longer message). */
  shifted(offset: number): DiceError {
    const info = this.info()
    const message = info.message.replace(/at position \d+$/, `at position ${info.position + offset}`)
    return new DiceError({ ...info, message, position: info.position + offset })
  }
}

/** The catalog error body for a dice error, with the position under `details`. */
export function diceErrorBody(info: DiceErrorInfo): ErrorBody {
  return errorBody(info.code, { message: info.message, details: detailsOf(info) })
}

function detailsOf(info: DiceErrorInfo): { position: number; expected?: string } {
  return info.expected === undefined
    ? { position: info.position }
    : { position: info.position, expected: info.expected }
}

/** A syntax error; the message ends with the position, e.g. "expected a number after 'kh' at position 5". */
export function syntaxError(what: string, position: number, expected?: string): DiceError {
  return new DiceError(
    withExpected(
      { code: 'table.dice_syntax', message: `${what} at position ${position}`, position },
      expected,
    ),
  )
}

/** A notation that is well formed but asks for too much (too many dice, too many sides, too deep). */
export function boundsError(what: string, position: number): DiceError {
  return new DiceError({ code: 'table.dice_bounds', message: `${what} at position ${position}`, position })
}

function withExpected(info: DiceErrorInfo, expected: string | undefined): DiceErrorInfo {
  if (expected !== undefined) info.expected = expected
  return info
}
