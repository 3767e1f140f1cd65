import type { ErrorBody, TableRoll } from '@tavern/protocol'
import {
  commit,
  DiceError,
  type DiceLimits,
  defaultDiceLimits,
  diceErrorBody,
  fairRoll,
  findInlineRolls,
  newServerSeed,
} from './dice/index.ts'

/** The seed a session rolls with: secret until revealed; `nonce` is the next unused one in this epoch. */
export interface SeedState {
  epoch: number
  serverSeed: string
  commitment: string
  nonce: number
}

/** A fresh seed for an epoch, with its published commitment. */
export function freshSeed(epoch: number): SeedState {
  const serverSeed = newServerSeed()
  return { epoch, serverSeed, commitment: commit(serverSeed), nonce: 0 }
}

export type Rolled<T> = { ok: true; value: T } | { ok: false; error: ErrorBody }

export interface InlineRoll {
  start: number
  end: number
  source: string
  roll: TableRoll
}

/**
 * The room's adapter over the dice engine's fair generator: every roll takes the next nonce of the current seed
 * and carries the record needed to recompute it. A notation that fails consumes no nonce.
 */
export class FairDice {
  private readonly limits: DiceLimits

  constructor(
    public seed: SeedState,
    limits: Partial<DiceLimits> = {},
  ) {
    this.limits = { ...defaultDiceLimits, ...limits }
  }

  /** Rolls one formula. */
  roll(formula: string, clientSeed: string): Rolled<TableRoll> {
    const { epoch, serverSeed, nonce } = this.seed
    const out = fairRoll(formula, { serverSeed, clientSeed, nonce }, this.limits)
    if (!out.ok) return { ok: false, error: diceErrorBody(out.error) }
    this.seed.nonce++
    const { result, record } = out
    return {
      ok: true,
      value: {
        notation: result.notation,
        total: result.total,
        text: result.text,
        root: result.root as unknown as Record<string, unknown>,
        record: { epoch, ...record },
      },
    }
  }

  /** Rolls every `[[...]]` of a message, each with its own nonce; a bad one fails the message (nothing used). */
  inline(text: string, clientSeed: string): Rolled<InlineRoll[]> {
    let spans: ReturnType<typeof findInlineRolls>
    try {
      spans = findInlineRolls(text)
    } catch (err) {
      if (err instanceof DiceError) return { ok: false, error: diceErrorBody(err.info()) }
      throw err
    }
    if (spans.length > this.limits.maxInlineRolls) {
      const at = spans[this.limits.maxInlineRolls]!.start
      const message = `a message may hold at most ${this.limits.maxInlineRolls} inline rolls at position ${at}`
      return { ok: false, error: diceErrorBody({ code: 'table.dice_bounds', message, position: at }) }
    }
    const before = this.seed.nonce
    const rolls: InlineRoll[] = []
    for (const span of spans) {
      const r = this.roll(span.source, clientSeed)
      if (!r.ok) {
        this.seed.nonce = before
        return { ok: false, error: shiftError(r.error, span.start + 2) }
      }
      rolls.push({ start: span.start, end: span.end, source: span.source, roll: r.value })
    }
    return { ok: true, value: rolls }
  }
}

/** Moves a dice error's position from the inline roll to the whole message, so a client can underline it. */
function shiftError(body: ErrorBody, offset: number): ErrorBody {
  const details = body.details as { position: number; expected?: string }
  const position = details.position + offset
  return {
    ...body,
    message: body.message.replace(/at position \d+$/, `at position ${position}`),
    details: { ...details, position },
  }
}
