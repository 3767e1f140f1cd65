import type { TableEntry, TableRoll, TableSessionView } from '@tavern/protocol'

/** Every server roll an entry carries (a roll, inline rolls, initiative). */
export function rollsOf(entry: TableEntry): TableRoll[] {
  switch (entry.kind) {
    case 'roll':
      return entry.roll ? [entry.roll] : []
    case 'chat':
    case 'whisper':
      return entry.inline.map((i) => i.roll)
    case 'system':
      return entry.rolls
    default:
      return []
  }
}

const time = (at: number) => new Date(at).toISOString().slice(11, 19)
const who = (e: TableEntry) => e.from?.username ?? 'Tavern'

/** A chat text with each inline roll shown with its total. */
function withInline(text: string, inline: Array<{ start: number; end: number; roll: TableRoll }>): string {
  let out = ''
  let at = 0
  for (const i of inline) {
    out += `${text.slice(at, i.start)}${text.slice(i.start, i.end)} → **${i.roll.total}**`
    at = i.end
  }
  return out + text.slice(at)
}

/** One entry as a Markdown list item (null for reactions). */
export function entryMarkdown(e: TableEntry): string | null {
  const head = `- \`${time(e.at)}\` `
  switch (e.kind) {
    case 'chat':
      return `${head}**${who(e)}**: ${withInline(e.text, e.inline)}`
    case 'whisper':
      return `${head}**${who(e)}** whispers to ${e.to.map((t) => t.username).join(', ')}: ${withInline(e.text, e.inline)}`
    case 'narration':
      return `${head}${e.gmOnly ? '_GM note_' : '_Narration_'}: ${e.text}`
    case 'action':
      return `${head}**${who(e)}** ${e.action}${Object.keys(e.details).length ? ` ${JSON.stringify(e.details)}` : ''}`
    case 'roll': {
      const label = e.label ? ` (${e.label})` : ''
      if (!e.roll) return `${head}**${who(e)}** rolled blind${label}`
      return `${head}**${who(e)}** rolled${label} \`${e.roll.text}\` → **${e.roll.total}**${e.mode === 'public' ? '' : ` _(${e.mode})_`}`
    }
    case 'system':
      return `${head}_${e.text}_`
    case 'reaction':
      return null
  }
}

/** The session log as a Markdown document. */
export function toMarkdown(
  session: TableSessionView,
  entries: readonly TableEntry[],
  exportedAt: number,
): string {
  const lines = [
    `# ${session.title}`,
    '',
    `Session \`${session.id}\` · ${session.status.replace('_', ' ')} · phase ${session.phase} · exported ${new Date(exportedAt).toISOString()}`,
    '',
  ]
  for (const e of entries) {
    const line = entryMarkdown(e)
    if (line) lines.push(line)
  }
  return `${lines.join('\n')}\n`
}

export interface Recap {
  participants: Array<{ userId: string; username: string; messages: number; rolls: number }>
  counts: Record<string, number>
  narration: string[]
  rolls: {
    count: number
    naturalTwenties: number
    naturalOnes: number
    highest: { by: string; text: string; total: number } | null
  }
  combat: { encounters: number; rounds: number; fallen: string[] }
  markdown: string
}

/** Counts natural 1s and 20s of d20s that counted (not dropped) in a roll tree. */
function naturals(node: unknown, acc: { ones: number; twenties: number }): void {
  if (!node || typeof node !== 'object') return
  const n = node as { type?: string; sides?: unknown; dice?: Array<{ value: number; dropped?: true }> }
  if (n.type === 'dice' && n.sides === 20) {
    for (const d of n.dice ?? []) {
      if (d.dropped) continue
      if (d.value === 20) acc.twenties++
      if (d.value === 1) acc.ones++
    }
  }
  for (const v of Object.values(n)) if (typeof v === 'object') naturals(v, acc)
}

/** A recap of the session from the log entries a viewer may see (so GM-only entries stay out of players'). */
export function buildRecap(session: TableSessionView, entries: readonly TableEntry[]): Recap {
  const people = new Map<string, Recap['participants'][number]>()
  const counts: Record<string, number> = {}
  const narration: string[] = []
  const rolls: Recap['rolls'] = { count: 0, naturalTwenties: 0, naturalOnes: 0, highest: null }
  const combat = { encounters: 0, rounds: 0, fallen: [] as string[] }
  for (const e of entries) {
    counts[e.kind] = (counts[e.kind] ?? 0) + 1
    const p =
      e.from &&
      (people.get(e.from.userId) ?? {
        userId: e.from.userId,
        username: e.from.username,
        messages: 0,
        rolls: 0,
      })
    if (p && e.from) people.set(e.from.userId, p)
    if (p && (e.kind === 'chat' || e.kind === 'whisper' || e.kind === 'action')) p.messages++
    if (e.kind === 'narration' && !e.gmOnly) narration.push(e.text)
    if (e.kind === 'system' && e.text === 'Combat begins') combat.encounters++
    if (e.kind === 'system' && e.event === 'turn')
      combat.rounds = Math.max(combat.rounds, Number(/Round (\d+)/.exec(e.text)?.[1] ?? 0))
    if (e.kind === 'system' && e.text.endsWith(' falls unconscious'))
      combat.fallen.push(e.text.replace(/ falls unconscious$/, ''))
    for (const r of rollsOf(e)) {
      rolls.count++
      if (p) p.rolls++
      const acc = { ones: 0, twenties: 0 }
      naturals(r.root, acc)
      rolls.naturalOnes += acc.ones
      rolls.naturalTwenties += acc.twenties
      if (e.kind === 'roll' && (!rolls.highest || r.total > rolls.highest.total)) {
        rolls.highest = { by: who(e), text: r.text, total: r.total }
      }
    }
  }
  const participants = [...people.values()]
  const md = [
    `# Recap: ${session.title}`,
    '',
    `${participants.map((x) => x.username).join(', ') || 'Nobody'} played (${session.status.replace('_', ' ')}, phase ${session.phase}).`,
    '',
    ...(narration.length ? ['## Story so far', '', ...narration.map((t) => `> ${t}`), ''] : []),
    '## Dice',
    '',
    `${rolls.count} rolls, ${rolls.naturalTwenties} natural 20s, ${rolls.naturalOnes} natural 1s.` +
      (rolls.highest
        ? ` Best: ${rolls.highest.by} with ${rolls.highest.total} (\`${rolls.highest.text}\`).`
        : ''),
    '',
    ...(combat.encounters
      ? [
          '## Combat',
          '',
          `${combat.encounters} encounter(s), ${combat.rounds} round(s).${combat.fallen.length ? ` Fallen: ${combat.fallen.join(', ')}.` : ''}`,
          '',
        ]
      : []),
  ]
  return { participants, counts, narration, rolls, combat, markdown: `${md.join('\n')}\n` }
}
