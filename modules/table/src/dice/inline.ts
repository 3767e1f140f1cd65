import { boundsError, DiceError, type DiceErrorInfo, syntaxError } from './errors.ts'
import { formatNumber } from './format.ts'
import { type DiceLimits, resolveLimits } from './limits.ts'
import { parse } from './parser.ts'
import type { DiceRng, RollResult } from './result.ts'
import { roll } from './roller.ts'

/** A piece of a chat message: literal text, or an inline roll with its offsets in the message. */
export type InlineSegment =
  | { type: 'text'; text: string }
  | { type: 'roll'; source: string; start: number; end: number; result: RollResult }

export type InlineExpansion =
  | { ok: true; segments: InlineSegment[]; rolls: RollResult[] }
  | { ok: false; error: DiceErrorInfo }

/** Where an inline roll sits in a message: `start` at `[[`, `end` just past `]]`. */
export interface InlineSpan {
  start: number
  end: number
  source: string
}

/**
 * Finds every `[[...]]` in a message. Labels may sit inside (`[[1d20[fire]]]`): brackets are matched, and the
 * roll ends at the first `]]` outside a label. Throws a {@link DiceError} for an unclosed `[[`.
 */
export function findInlineRolls(text: string): InlineSpan[] {
  const spans: InlineSpan[] = []
  let i = text.indexOf('[[')
  while (i >= 0) {
    let depth = 0
    let j = i + 2
    let end = -1
    for (; j < text.length; j++) {
      const c = text[j]
      if (depth === 0 && c === ']' && text[j + 1] === ']') {
        end = j + 2
        break
      }
      if (c === '[') depth++
      else if (c === ']' && depth > 0) depth--
    }
    if (end < 0) throw syntaxError("inline roll '[[' is never closed with ']]'", i, "']]'")
    spans.push({ start: i, end, source: text.slice(i + 2, end - 2) })
    i = text.indexOf('[[', end)
  }
  return spans
}

/**
 * Rolls every inline roll of a chat message, in order. A bad roll fails the whole message, with the error's
 * position counted in the whole message so a client can underline it.
 */
export function expandInline(text: string, rng: DiceRng, limits?: Partial<DiceLimits>): InlineExpansion {
  const resolved = resolveLimits(limits)
  try {
    const spans = findInlineRolls(text)
    if (spans.length > resolved.maxInlineRolls) {
      throw boundsError(
        `a message may hold at most ${resolved.maxInlineRolls} inline rolls`,
        spans[resolved.maxInlineRolls]!.start,
      )
    }
    const segments: InlineSegment[] = []
    const rolls: RollResult[] = []
    let at = 0
    for (const span of spans) {
      let result: RollResult
      try {
        result = roll(parse(span.source, resolved), rng, resolved)
      } catch (err) {
        throw err instanceof DiceError ? err.shifted(span.start + 2) : err
      }
      if (span.start > at) segments.push({ type: 'text', text: text.slice(at, span.start) })
      segments.push({ type: 'roll', source: span.source, start: span.start, end: span.end, result })
      rolls.push(result)
      at = span.end
    }
    if (at < text.length) segments.push({ type: 'text', text: text.slice(at) })
    return { ok: true, segments, rolls }
  } catch (err) {
    if (err instanceof DiceError) return { ok: false, error: err.info() }
    throw err
  }
}

/** The message with each inline roll replaced by its total, for plain-text logs and notifications. */
export function inlineText(segments: InlineSegment[]): string {
  return segments.map((s) => (s.type === 'text' ? s.text : formatNumber(s.result.total))).join('')
}
