import type { TavernClient } from '@tavern/client'
import { useTavernEvent } from '@tavern/client/react'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { describeError } from '../errors.ts'
import type { WorldStore } from './store.ts'

interface Line {
  id: string
  channel: string
  from: string
  text: string
  dm?: { to: string }
}

const TABS = [
  { id: 'all', label: 'All' },
  { id: 'local', label: 'Local' },
  { id: 'global', label: 'Global' },
  { id: 'dm', label: 'Whispers' },
] as const
type Tab = (typeof TABS)[number]['id']

const shows = (tab: Tab, l: Line) =>
  tab === 'all' ||
  (tab === 'dm' && !!l.dm) ||
  (tab === 'local' && (l.channel === 'local' || l.channel.startsWith('world:'))) ||
  tab === l.channel

type Props = {
  client: TavernClient
  store: WorldStore
  me: string
  notify: (t: string, tone?: 'error' | 'info') => void
}

/** Chat: local speech, the global channel and direct messages (`/w name text`). */
export function ChatPanel({ client, me, notify }: Props) {
  const [lines, setLines] = useState<Line[]>([])
  const [tab, setTab] = useState<Tab>('all')
  const [text, setText] = useState('')
  const [unread, setUnread] = useState(0)
  const [folded, setFolded] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const box = useRef<HTMLDivElement>(null)
  const add = (l: Line) => setLines((ls) => (ls.some((x) => x.id === l.id) ? ls : [...ls.slice(-150), l]))

  useTavernEvent(client, 'chat.message', (m) =>
    add({ id: m.id, channel: m.channel, from: m.from.username, text: m.text }),
  )
  useTavernEvent(client, 'chat.direct', (m) => {
    add({ id: m.id, channel: 'dm', from: m.from.username, text: m.text, dm: { to: m.to.username } })
    if (m.from.username !== me) setUnread((u) => u + 1)
  })
  useEffect(() => {
    const onDm = (e: Event) => {
      setText(`/w ${(e as CustomEvent<string>).detail} `)
      input.current?.focus()
    }
    window.addEventListener('tavern:dm', onDm)
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && !(e.target as HTMLElement).closest('input, textarea, select')) {
        e.preventDefault()
        input.current?.focus()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => {
      window.removeEventListener('tavern:dm', onDm)
      window.removeEventListener('keydown', onKey)
    }
  }, [])
  const count = lines.length
  useEffect(() => {
    if (count >= 0) box.current?.scrollTo({ top: box.current.scrollHeight })
  }, [count, tab])

  const send = async (e: FormEvent) => {
    e.preventDefault()
    const t = text.trim()
    if (!t) {
      input.current?.blur()
      return
    }
    setText('')
    try {
      const dm = /^\/(?:w|whisper|dm)\s+(\S+)\s+([\s\S]+)$/.exec(t)
      if (dm) {
        await client.request('chat.dm', { to: dm[1]!, text: dm[2]! })
      } else if (tab === 'global') {
        await client.request('chat.send', { channel: 'global', text: t })
      } else {
        await client.request('world.say', { text: t })
      }
    } catch (err) {
      setText(t)
      notify(describeError(err), 'error')
    }
  }

  return (
    <div className={`chat panel world-chat ${folded ? 'folded' : ''}`} data-testid="chat">
      <div className="tabsbar">
        {TABS.map((t) => (
          <button
            type="button"
            key={t.id}
            className={tab === t.id ? 'on' : ''}
            onClick={() => {
              setTab(t.id)
              if (t.id === 'dm') setUnread(0)
            }}
          >
            {t.label}
            {t.id === 'dm' && unread > 0 && <span className="badge-count">{unread}</span>}
          </button>
        ))}
        <button
          type="button"
          className="fold"
          onClick={() => setFolded((f) => !f)}
          title={folded ? 'Show the chat' : 'Fold the chat away'}
          aria-label={folded ? 'Show the chat' : 'Fold the chat away'}
        >
          {folded ? '▴' : '▾'}
        </button>
      </div>
      <div className="lines" ref={box}>
        {lines
          .filter((l) => shows(tab, l))
          .map((l) => (
            <div key={l.id} className={`line ${l.dm ? 'dm' : ''}`} data-testid="chat-line">
              {l.channel !== 'local' && !l.dm && <span className="ch">[{l.channel}]</span>}
              {l.dm ? (
                <span className="who">{l.from === me ? `To ${l.dm.to}` : `From ${l.from}`}: </span>
              ) : (
                <span className="who">{l.from}: </span>
              )}
              {l.text}
            </div>
          ))}
      </div>
      <form onSubmit={send}>
        <input
          ref={input}
          className="grow"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={tab === 'global' ? 'Say to everyone…' : 'Press Enter to talk · /w name to whisper'}
          aria-label="Chat message"
          maxLength={500}
        />
      </form>
    </div>
  )
}
