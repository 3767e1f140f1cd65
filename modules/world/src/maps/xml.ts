/**
 * A small, strict XML reader for Tiled files. It handles what Tiled writes (elements, attributes, text, CDATA,
 * comments, the XML declaration, a DOCTYPE without an internal subset, the five named entities and numeric
 * character references) and reports anything else with a line and column, instead of guessing.
 */

export interface XmlElement {
  readonly name: string
  readonly attrs: Readonly<Record<string, string>>
  readonly children: readonly XmlElement[]
  /** Concatenated text and CDATA content directly inside this element. */
  readonly text: string
  readonly line: number
}

export class XmlError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} (line ${line}, column ${column})`)
    this.name = 'XmlError'
  }
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
const NAME_START = /[A-Za-z_:]/
const NAME_CHAR = /[A-Za-z0-9_:.-]/

interface MutableElement {
  name: string
  attrs: Record<string, string>
  children: MutableElement[]
  text: string
  line: number
}

/** Parses an XML document and returns its root element. */
export function parseXml(source: string): XmlElement {
  let pos = source.charCodeAt(0) === 0xfeff ? 1 : 0
  const stack: MutableElement[] = []
  let root: MutableElement | undefined

  const lineStarts = [0]
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1)
  const where = (at: number): [number, number] => {
    let lo = 0
    let hi = lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (lineStarts[mid]! <= at) lo = mid
      else hi = mid - 1
    }
    return [lo + 1, at - lineStarts[lo]! + 1]
  }
  const fail = (message: string, at = pos): never => {
    const [line, col] = where(at)
    throw new XmlError(message, line, col)
  }
  const skipSpace = (): void => {
    while (pos < source.length && /\s/.test(source[pos]!)) pos++
  }
  const readName = (): string => {
    const start = pos
    if (!NAME_START.test(source[pos] ?? '')) fail('expected a name')
    while (pos < source.length && NAME_CHAR.test(source[pos]!)) pos++
    return source.slice(start, pos)
  }
  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;&\s]*);?/g, (match, ref: string) => {
      if (!match.endsWith(';')) fail(`unterminated entity "&${ref}"`, at)
      if (ref.startsWith('#x') || ref.startsWith('#X'))
        return codePoint(Number.parseInt(ref.slice(2), 16), at)
      if (ref.startsWith('#')) return codePoint(Number.parseInt(ref.slice(1), 10), at)
      const named = NAMED_ENTITIES[ref]
      if (named === undefined) fail(`unknown entity "&${ref};"`, at)
      return named!
    })
  const codePoint = (n: number, at: number): string => {
    if (!Number.isInteger(n) || n < 0 || n > 0x10ffff) fail('invalid character reference', at)
    return String.fromCodePoint(n)
  }
  const appendText = (text: string): void => {
    const top = stack[stack.length - 1]
    if (top) top.text += text
    else if (text.trim() !== '') fail('text outside the root element')
  }

  while (pos < source.length) {
    const lt = source.indexOf('<', pos)
    if (lt === -1) {
      appendText(decode(source.slice(pos), pos))
      break
    }
    if (lt > pos) appendText(decode(source.slice(pos, lt), pos))
    pos = lt
    if (source.startsWith('<!--', pos)) {
      const end = source.indexOf('-->', pos + 4)
      if (end === -1) fail('unterminated comment')
      pos = end + 3
    } else if (source.startsWith('<![CDATA[', pos)) {
      const end = source.indexOf(']]>', pos + 9)
      if (end === -1) fail('unterminated CDATA section')
      if (stack.length === 0) fail('CDATA outside the root element')
      stack[stack.length - 1]!.text += source.slice(pos + 9, end)
      pos = end + 3
    } else if (source.startsWith('<?', pos)) {
      const end = source.indexOf('?>', pos + 2)
      if (end === -1) fail('unterminated processing instruction')
      pos = end + 2
    } else if (source.startsWith('<!DOCTYPE', pos)) {
      const end = source.indexOf('>', pos)
      if (end === -1 || source.slice(pos, end).includes('['))
        fail('DOCTYPE with an internal subset is not supported')
      pos = end + 1
    } else if (source.startsWith('</', pos)) {
      pos += 2
      const name = readName()
      skipSpace()
      if (source[pos] !== '>') fail(`expected ">" to close </${name}`)
      pos++
      const open = stack.pop()
      if (!open) fail(`closing tag </${name}> without an opening tag`, lt)
      if (open!.name !== name) fail(`closing tag </${name}> does not match <${open!.name}>`, lt)
    } else {
      pos++
      const name = readName()
      const el: MutableElement = { name, attrs: {}, children: [], text: '', line: where(lt)[0] }
      for (;;) {
        const before = pos
        skipSpace()
        const c = source[pos]
        if (c === '>' || c === '/') break
        if (c === undefined) fail(`unterminated tag <${name}>`, lt)
        if (before === pos) fail(`expected whitespace before an attribute in <${name}>`)
        const attr = readName()
        skipSpace()
        if (source[pos] !== '=') fail(`attribute "${attr}" in <${name}> has no value`)
        pos++
        skipSpace()
        const quote = source[pos]
        if (quote !== '"' && quote !== "'") fail(`attribute "${attr}" in <${name}> must be quoted`)
        const end = source.indexOf(quote!, pos + 1)
        if (end === -1) fail(`unterminated value of attribute "${attr}"`)
        const raw = source.slice(pos + 1, end)
        if (raw.includes('<')) fail(`"<" in the value of attribute "${attr}"`)
        if (Object.hasOwn(el.attrs, attr)) fail(`duplicate attribute "${attr}" in <${name}>`)
        el.attrs[attr] = decode(raw, pos)
        pos = end + 1
      }
      const selfClosing = source[pos] === '/'
      if (selfClosing) {
        pos++
        if (source[pos] !== '>') fail(`expected ">" after "/" in <${name}>`)
      }
      pos++
      const parent = stack[stack.length - 1]
      if (parent) parent.children.push(el)
      else if (root) fail('more than one root element', lt)
      else root = el
      if (!selfClosing) stack.push(el)
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]!.name}> is never closed`)
  if (!root) fail('no root element')
  return root!
}

/** The direct children of `el` with the given name. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name)
}

/** The first direct child of `el` with the given name. */
export function childNamed(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name)
}
