import { useTavern, useTavernEvent } from '@tavern/client/react'
import type { RollMode } from '@tavern/protocol'
import { type FormEvent, useCallback, useEffect, useReducer, useRef, useState } from 'react'
import { describeError } from '../errors.ts'
import type { Session } from '../session.ts'
import { tableApi } from './api.ts'
import { Initiative } from './Initiative.tsx'
import { LogEntry } from './LogEntry.tsx'
import { type RoomEvent, type RoomState, reduceRoom, roomEventTypes, withEntry } from './room-state.ts'
import { Scene } from './Scene.tsx'

type Action = { type: 'reset'; room: RoomState } | { type: 'event'; ev: RoomEvent } | RoomEventEntry
type RoomEventEntry = { type: 'entry'; entry: RoomState['recent'][number] }

function reducer(s: RoomState | null, a: Action): RoomState | null {
  if (a.type === 'reset') return a.room
  if (!s) return s
  if (a.type === 'entry') return withEntry(s, a.entry)
  return reduceRoom(s, a.ev)
}

const DICE = [4, 6, 8, 10, 12, 20, 100]

/** One tabletop room: log, dice, narration, members, initiative and the scene. */
export function TableRoom(props: { session: Session; sessionId: string; onLeave: () => void }) {
  const { session, sessionId } = props
  const client = session.client
  const { request, state } = useTavern(client, { pingEveryMs: 0 })
  const [room, dispatch] = useReducer(reducer, null)
  const [error, setError] = useState<string | null>(null)
  const [text, setText] = useState('')
  const [formula, setFormula] = useState('')
  const [mode, setMode] = useState<RollMode>('public')
  const [narration, setNarration] = useState('')
  const [invite, setInvite] = useState<string | null>(null)
  const logRef = useRef<HTMLDivElement>(null)

  const join = useCallback(() => {
    request('table.join', { sessionId }).then(
      (r) => dispatch({ type: 'reset', room: { ...r, typing: [] } }),
      (err) => {
        setError(describeError(err))
        if ((err as { code?: string }).code === 'table.not_member') props.onLeave()
      },
    )
  }, [request, sessionId, props.onLeave])
  useEffect(() => {
    if (state === 'open') join()
  }, [state, join])
  useTavernEvent(client, 'session.resync', join)
  useEffect(() => {
    const offs = roomEventTypes.map((type) =>
      client.on(type, (p) => dispatch({ type: 'event', ev: { type, p } as RoomEvent })),
    )
    return () => {
      for (const off of offs) off()
    }
  }, [client])

  const entries = room?.recent.length ?? 0
  useEffect(() => {
    if (entries >= 0) logRef.current?.scrollTo({ top: logRef.current.scrollHeight })
  }, [entries])

  const act = async (fn: () => Promise<unknown>) => {
    setError(null)
    try {
      await fn()
      return true
    } catch (err) {
      setError(describeError(err))
      return false
    }
  }
  const roll = (f: string, label?: string) =>
    act(async () => {
      const r = await request('table.roll', { sessionId, formula: f, mode, label })
      dispatch({ type: 'entry', entry: r.entry })
    })
  const say = async (e: FormEvent) => {
    e.preventDefault()
    if (!text.trim()) return
    const t = text
    setText('')
    const ok = await act(async () => {
      // `/w name text` whispers to a member; `/r 2d6+1` rolls; anything else is said aloud.
      const whisper = /^\/w(?:hisper)?\s+(\S+)\s+([\s\S]+)$/.exec(t.trim())
      const rollCmd = /^\/r(?:oll)?\s+(.+)$/.exec(t.trim())
      if (rollCmd) {
        const r = await request('table.roll', { sessionId, formula: rollCmd[1]!, mode })
        dispatch({ type: 'entry', entry: r.entry })
        return
      }
      if (whisper) {
        const to = room?.members.find((m) => m.username.toLowerCase() === whisper[1]!.toLowerCase())
        if (!to) throw new Error(`No one called ${whisper[1]} sits at this table.`)
        const r = await request('table.whisper', { sessionId, to: [to.userId], text: whisper[2]! })
        dispatch({ type: 'entry', entry: r.entry })
        return
      }
      const r = await request('table.say', { sessionId, text: t })
      dispatch({ type: 'entry', entry: r.entry })
    })
    // Back in the box if it failed, unless something new was typed meanwhile.
    if (!ok) setText((current) => (current === '' ? t : current))
  }
  const rollFormula = async (e: FormEvent) => {
    e.preventDefault()
    const f = formula.trim()
    // The box is cleared only if it still holds what was rolled (the reply comes back after a round trip).
    if (f && (await roll(f))) setFormula((current) => (current.trim() === f ? '' : current))
  }
  const narrate = async (e: FormEvent) => {
    e.preventDefault()
    if (!narration.trim()) return
    const n = narration
    if (
      await act(async () => {
        const r = await request('table.narrate', { sessionId, text: n })
        dispatch({ type: 'entry', entry: r.entry })
      })
    )
      setNarration((current) => (current === n ? '' : current))
  }
  const leave = async () => {
    await request('table.leave', { sessionId }).catch(() => undefined)
    props.onLeave()
  }

  if (!room)
    return (
      <div className="table-lobby">
        {error ? <div className="error">{error}</div> : <div className="muted">Finding your seat…</div>}
      </div>
    )
  const gm = room.you.role === 'gm'
  const typing = room.members.filter((m) => room.typing.includes(m.userId) && m.userId !== room.you.userId)

  return (
    <div className="table-room">
      <section className="panel scene-panel">
        <header>
          <span data-testid="table-title">{room.session.title}</span>
          <span className="muted small-text">
            {room.session.phase} · {room.session.status.replace('_', ' ')}
          </span>
        </header>
        <Scene room={room} request={request} onError={setError} />
      </section>

      <section className="panel side-panel">
        <header>
          <span>At the table</span>
          {gm && (
            <button
              type="button"
              className="small"
              onClick={() => act(async () => setInvite((await tableApi.invite(session, sessionId)).code))}
            >
              Invite
            </button>
          )}
        </header>
        {invite && (
          <div className="invite">
            Share this code: <code data-testid="invite-code">{invite}</code>
          </div>
        )}
        <ul className="members" data-testid="members">
          {room.members.map((m) => (
            <li key={m.userId} className={m.online ? 'online' : 'away'}>
              <span className="dot" /> {m.username}
              <span className={`role ${m.role}`}>{m.role === 'gm' ? 'GM' : m.role}</span>
            </li>
          ))}
        </ul>
        <Initiative room={room} request={request} onError={setError} />
        <div className="grow" />
        <button type="button" className="ghost small" onClick={leave}>
          ← Leave the table
        </button>
      </section>

      <section className="panel log-panel">
        <header>
          <span>The log</span>
          <span className="muted small-text" title={`Seed commitment ${room.fairness.commitment}`}>
            fair dice · epoch {room.fairness.epoch}
          </span>
        </header>
        <div className="log" ref={logRef} data-testid="table-log">
          {room.recent.map((e) => (
            <LogEntry key={e.seq} entry={e} you={room.you.userId} />
          ))}
        </div>
        {typing.length > 0 && (
          <div className="typing muted">{typing.map((m) => m.username).join(', ')} typing…</div>
        )}
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
        <div className="dice-bar">
          {DICE.map((d) => (
            <button
              type="button"
              key={d}
              className="die-btn"
              onClick={() => roll(`1d${d}`)}
              title={`Roll 1d${d}`}
            >
              d{d}
            </button>
          ))}
          <select
            value={mode}
            onChange={(e) => setMode(e.target.value as RollMode)}
            aria-label="Who sees the roll"
          >
            <option value="public">Everyone</option>
            <option value="gm">Me + GM</option>
            <option value="blind">GM only</option>
            <option value="self">Only me</option>
          </select>
        </div>
        <form className="row composer" onSubmit={rollFormula}>
          <input
            className="grow"
            placeholder="Formula, e.g. 4d6kh3 or 1d20+5"
            value={formula}
            onChange={(e) => setFormula(e.target.value)}
            aria-label="Dice formula"
          />
          <button type="submit" className="primary">
            Roll
          </button>
        </form>
        <form className="row composer" onSubmit={say}>
          <input
            className="grow"
            placeholder="Say something… [[1d20]] inline · /w name · /r 2d6"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label="Message"
            maxLength={4000}
          />
          <button type="submit">Say</button>
        </form>
        {gm && (
          <form className="row composer" onSubmit={narrate}>
            <input
              className="grow narration-input"
              placeholder="Narrate as the game master…"
              value={narration}
              onChange={(e) => setNarration(e.target.value)}
              aria-label="Narration"
            />
            <button type="submit">Narrate</button>
          </form>
        )}
      </section>
    </div>
  )
}
