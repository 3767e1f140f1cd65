import { printTree } from './print.ts'
import type { DieResult, GroupEntryResult, RollNode } from './result.ts'

/**
 * Plain-text rendering, markdown-friendly: `~~1~~` dropped, `6!` exploded (the added die follows), `15!!`
 * compounded, `1→4` rerolled, `**20**` critical success, `_1_` critical failure, `5✓` success, `1✗` failure.
 */
export function renderText(notation: string, root: RollNode): string {
  const breakdown = renderBreakdown(root)
  const total = formatNumber(root.value)
  return breakdown === notation || breakdown === total
    ? `${notation} = ${total}`
    : `${notation} = ${breakdown} = ${total}`
}

/** The expression with every dice term replaced by its dice, e.g. `[6, 5, 3, ~~1~~] + 2`. */
export function renderBreakdown(node: RollNode): string {
  return printTree(node, (n) => {
    if (n.type === 'number') return formatNumber(n.value)
    if (n.type === 'dice') return `[${n.dice.map(dieText).join(', ')}]`
    if (n.type === 'group') return `{${n.entries.map(entryText).join(', ')}}`
    return ''
  })
}

/** One die as text, with its marks. */
export function dieText(d: DieResult): string {
  let core = formatNumber(d.value)
  if (d.criticalFailure) core = `_${core}_`
  if (d.criticalSuccess) core = `**${core}**`
  if (d.rerolled) core = [...d.rerolled.map(formatNumber), core].join('→')
  if (d.exploded) core += d.rolls && d.rolls.length > 1 ? '!!' : '!'
  return marks(core, d)
}

function entryText(e: GroupEntryResult): string {
  const inner = renderBreakdown(e.roll)
  const value = formatNumber(e.value)
  return marks(inner === value ? value : `${inner} = ${value}`, e)
}

function marks(core: string, f: { success?: true; failure?: true; dropped?: true }): string {
  let out = core
  if (f.success) out += '✓'
  if (f.failure) out += '✗'
  return f.dropped ? `~~${out}~~` : out
}

/** Integers as they are; fractions to at most 4 decimals; never "-0". */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n + 0)
  const rounded = Number(n.toFixed(4)) + 0
  return String(rounded)
}
