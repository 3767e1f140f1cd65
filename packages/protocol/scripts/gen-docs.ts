/**
 * Regenerates the reference tables of docs/protocol.md (between the GENERATED markers) from the protocol
 * package: message types, limits, error codes and close codes. `--check` fails if the file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CloseCode, DEFAULT_MAX_BYTES, errorCatalog, messages } from '../src/index.ts'

const docPath = fileURLToPath(new URL('../../../docs/protocol.md', import.meta.url))
const BEGIN = '<!-- GENERATED:BEGIN (npm run docs:protocol) -->'
const END = '<!-- GENERATED:END -->'

export function renderReference(): string {
  const lines: string[] = []
  lines.push('### Requests (client → server)', '', '| type | limits | description |', '|---|---|---|')
  for (const [type, def] of Object.entries(messages)) {
    if (def.kind !== 'request') continue
    const rate = def.limits.rate
      ? `${def.limits.rate.burst} burst, 1 per ${def.limits.rate.perMs} ms`
      : 'no rate limit'
    lines.push(
      `| \`${type}\` | ≤ ${def.limits.maxBytes ?? DEFAULT_MAX_BYTES} B; ${rate} | ${def.description} |`,
    )
  }
  lines.push('', '### Events (server → client)', '', '| type | description |', '|---|---|')
  for (const [type, def] of Object.entries(messages)) {
    if (def.kind === 'event') lines.push(`| \`${type}\` | ${def.description} |`)
  }
  lines.push('', '### Error codes', '', '| code | category | HTTP | meaning |', '|---|---|---|---|')
  for (const [code, spec] of Object.entries(errorCatalog)) {
    lines.push(`| \`${code}\` | ${spec.category} | ${spec.status} | ${spec.message} |`)
  }
  lines.push('', '### Close codes', '', '| code | name |', '|---|---|')
  for (const [name, code] of Object.entries(CloseCode)) lines.push(`| ${code} | \`${name}\` |`)
  return lines.join('\n')
}

export function updatedDoc(current: string): string {
  const start = current.indexOf(BEGIN)
  const end = current.indexOf(END)
  if (start < 0 || end < start) throw new Error(`docs/protocol.md lacks the ${BEGIN} … ${END} markers`)
  return `${current.slice(0, start + BEGIN.length)}\n${renderReference()}\n${current.slice(end)}`
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const current = readFileSync(docPath, 'utf8')
  const next = updatedDoc(current)
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('docs/protocol.md is out of date: run npm run docs:protocol')
      process.exit(1)
    }
  } else writeFileSync(docPath, next)
}
