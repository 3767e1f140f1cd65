import type { TavernHandle } from '@tavern/client/react'
import type { RequestPayload } from '@tavern/protocol'
import { type FormEvent, useState } from 'react'
import { describeError } from '../errors.ts'
import type { RoomState } from './room-state.ts'

/** What the client may send: defaults are filled in by the server. */
type CombatActionInput = RequestPayload<'table.combat'>['action']

type Props = { room: RoomState; request: TavernHandle['request']; onError: (e: string | null) => void }

/** The initiative tracker: turn order, HP, and the GM's controls. */
export function Initiative({ room, request, onError }: Props) {
  const gm = room.you.role === 'gm'
  const [name, setName] = useState('')
  const [hp, setHp] = useState('10')
  const c = room.combat
  const sessionId = room.session.id
  const send = (action: CombatActionInput) =>
    request('table.combat', { sessionId, action }).then(
      () => onError(null),
      (e) => onError(describeError(e)),
    )
  const add = (e: FormEvent) => {
    e.preventDefault()
    if (!name.trim()) return
    void send({ type: 'add', name: name.trim(), hp: Number(hp) || 1 })
    setName('')
  }
  if (!gm && c.combatants.length === 0) return null
  return (
    <div className="initiative" data-testid="initiative">
      <h3>Initiative {c.active && <span className="muted small-text">· round {c.round}</span>}</h3>
      <ol>
        {c.combatants.map((x) => (
          <li key={x.id} className={x.id === c.turnId ? 'turn' : ''}>
            <span className="init">{x.initiative ?? '–'}</span>
            <span className="grow">{x.name}</span>
            <span className="hpbar" title={`${x.hp}/${x.maxHp} HP`}>
              <span
                style={{ width: `${Math.max(0, Math.min(100, (100 * x.hp) / Math.max(1, x.maxHp)))}%` }}
              />
            </span>
            {gm && (
              <button
                type="button"
                className="ghost small"
                title="Remove"
                onClick={() => send({ type: 'remove', id: x.id })}
              >
                ✕
              </button>
            )}
          </li>
        ))}
      </ol>
      {gm && (
        <>
          <form className="row" onSubmit={add}>
            <input
              className="grow"
              placeholder="Combatant"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-label="Combatant name"
            />
            <input className="hp-input" value={hp} onChange={(e) => setHp(e.target.value)} aria-label="HP" />
            <button type="submit" className="small">
              Add
            </button>
          </form>
          <div className="row wrap">
            <button type="button" className="small" onClick={() => send({ type: 'roll_initiative' })}>
              Roll initiative
            </button>
            {c.active ? (
              <>
                <button type="button" className="small" onClick={() => send({ type: 'next' })}>
                  Next turn
                </button>
                <button type="button" className="small" onClick={() => send({ type: 'end' })}>
                  End
                </button>
              </>
            ) : (
              <button type="button" className="small" onClick={() => send({ type: 'start' })}>
                Start combat
              </button>
            )}
          </div>
        </>
      )}
    </div>
  )
}
