import { boundsError, syntaxError } from './errors.ts'

/**
 * A character cursor over dice notation. Dice modifiers are glued together (`4d6kh3r<2!`), so the parser reads
 * characters in context instead of a fixed token stream; this class keeps the offsets honest.
 */
export class Scanner {
  pos = 0
  constructor(readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length
  }

  /** The character at the cursor (or `offset` further), '' past the end. */
  peek(offset = 0): string {
    return this.text.charAt(this.pos + offset)
  }

  skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++
  }

  /** Consumes `word` (letters compared case-insensitively) if it is next. */
  eat(word: string): boolean {
    if (this.text.slice(this.pos, this.pos + word.length).toLowerCase() !== word) return false
    this.pos += word.length
    return true
  }

  /** Whether `word` is next, without consuming it. */
  sees(word: string): boolean {
    return this.text.slice(this.pos, this.pos + word.length).toLowerCase() === word
  }

  isDigit(offset = 0): boolean {
    const c = this.text.charCodeAt(this.pos + offset)
    return c >= 48 && c <= 57
  }

  isLetter(offset = 0): boolean {
    const c = this.text.charCodeAt(this.pos + offset) | 0x20
    return c >= 97 && c <= 122
  }

  /** Reads a run of ASCII letters. */
  word(): string {
    const start = this.pos
    while (this.isLetter()) this.pos++
    return this.text.slice(start, this.pos)
  }

  /** Reads a whole number (up to 15 digits); `what` names it in the error when none is there. */
  integer(what: string): number {
    const start = this.pos
    while (this.isDigit()) this.pos++
    if (this.pos === start) throw syntaxError(`expected ${what}`, start, what)
    if (this.pos - start > 15) throw boundsError('a number may have at most 15 digits', start)
    return Number(this.text.slice(start, this.pos))
  }

  /** Reads a number literal: up to 15 digits, optionally a point and up to 6 decimals. */
  number(): number {
    const start = this.pos
    this.integer('a number')
    if (this.peek() === '.') {
      this.pos++
      const fracStart = this.pos
      while (this.isDigit()) this.pos++
      if (this.pos === fracStart) throw syntaxError("expected digits after '.'", this.pos, 'digits')
      if (this.pos - fracStart > 6) throw boundsError('a number may have at most 6 decimals', fracStart)
    }
    return Number(this.text.slice(start, this.pos))
  }

  /** Describes the character at `pos` for an error message. */
  describe(pos = this.pos): string {
    if (pos >= this.text.length) return 'the end'
    const cp = this.text.codePointAt(pos) ?? 0
    return `'${String.fromCodePoint(cp)}'`
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0
}
