import type { TableEntry } from '@tavern/protocol'
import { RollView } from './roll.tsx'

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })

/** Text with its inline rolls `[[…]]` replaced by the rolled dice. */
function WithInline({
  text,
  inline,
}: {
  text: string
  inline: Extract<TableEntry, { kind: 'chat' }>['inline']
}) {
  if (inline.length === 0) return <>{text}</>
  const parts: React.ReactNode[] = []
  let at = 0
  for (const r of inline) {
    parts.push(text.slice(at, r.start))
    parts.push(<RollView key={r.start} roll={r.roll} />)
    at = r.end
  }
  parts.push(text.slice(at))
  return <>{parts}</>
}

/** One line of the table log. */
export function LogEntry({ entry, you }: { entry: TableEntry; you: string }) {
  const who = entry.from?.username ?? 'Tavern'
  const mine = entry.from?.userId === you
  const head = (
    <span className="meta">
      <span className={`who ${entry.from?.role ?? ''} ${mine ? 'me' : ''}`}>{who}</span>
      <span className="at">{time(entry.at)}</span>
    </span>
  )
  switch (entry.kind) {
    case 'chat':
      return (
        <div className="entry chat-entry" data-kind="chat">
          {head} <WithInline text={entry.text} inline={entry.inline} />
        </div>
      )
    case 'whisper':
      return (
        <div className="entry whisper" data-kind="whisper">
          {head} <span className="muted">to {entry.to.map((m) => m.username).join(', ')}:</span>{' '}
          <WithInline text={entry.text} inline={entry.inline} />
        </div>
      )
    case 'narration':
      return (
        <div className={`entry narration ${entry.gmOnly ? 'gm-only' : ''}`} data-kind="narration">
          {entry.gmOnly && <span className="badge">GM note</span>} {entry.text}
        </div>
      )
    case 'action':
      return (
        <div className="entry action" data-kind="action">
          {head} <em>{entry.action}</em>
        </div>
      )
    case 'roll':
      return (
        <div className={`entry roll-entry mode-${entry.mode}`} data-kind="roll">
          {head} {entry.label && <span className="label">{entry.label}:</span>}{' '}
          {entry.roll ? <RollView roll={entry.roll} /> : <span className="muted">rolled in secret</span>}
          {entry.mode !== 'public' && <span className="badge">{entry.mode}</span>}
        </div>
      )
    case 'reaction':
      return null
    case 'system':
      return (
        <div className="entry system" data-kind="system">
          ✦ {entry.text}
          {entry.rolls.map((r, i) => (
            <span key={i}>
              {' '}
              <RollView roll={r} />
            </span>
          ))}
        </div>
      )
  }
}
