import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { describeError } from '../errors.ts'
import type { Session } from '../session.ts'
import { type MySession, tableApi } from './api.ts'
import { TableRoom } from './TableRoom.tsx'
import './table.css'

/** `/table`: open a table or join one by its code, then sit at it. */
export function TablePage({ session }: { session: Session }) {
  const [sessionId, setSessionId] = useState<string | null>(() => sessionStorage.getItem('tavern.table'))
  const [mine, setMine] = useState<MySession[]>([])
  const [title, setTitle] = useState('')
  const [code, setCode] = useState('')
  const [error, setError] = useState<string | null>(null)

  const sit = useCallback((id: string | null) => {
    if (id) sessionStorage.setItem('tavern.table', id)
    else sessionStorage.removeItem('tavern.table')
    setSessionId(id)
  }, [])

  useEffect(() => {
    if (sessionId) return
    tableApi.mine(session).then(
      (r) => setMine(r.sessions.filter((s) => s.status !== 'completed')),
      () => undefined,
    )
  }, [session, sessionId])

  if (sessionId) return <TableRoom session={session} sessionId={sessionId} onLeave={() => sit(null)} />

  const run = (fn: () => Promise<string>) => async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      sit(await fn())
    } catch (err) {
      setError(describeError(err))
    }
  }

  return (
    <div className="table-lobby">
      <div className="parchment lobby-card col">
        <h1>The Table</h1>
        <p className="flavour">Dice, stories and friends. Open a table and share its code, or join one.</p>
        <form className="row" onSubmit={run(async () => (await tableApi.open(session, title.trim())).id)}>
          <input
            className="grow"
            placeholder="Name of your adventure"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            aria-label="Adventure name"
            required
            maxLength={100}
          />
          <button className="primary" type="submit">
            Open a table
          </button>
        </form>
        <form
          className="row"
          onSubmit={run(async () => (await tableApi.join(session, code.trim())).sessionId)}
        >
          <input
            className="grow"
            placeholder="Invite code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-label="Invite code"
            required
            minLength={4}
          />
          <button type="submit">Join by code</button>
        </form>
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
        {mine.length > 0 && (
          <>
            <h3>Your tables</h3>
            <ul className="my-tables">
              {mine.map((s) => (
                <li key={s.id}>
                  <button className="link" type="button" onClick={() => sit(s.id)}>
                    {s.title}
                  </button>{' '}
                  <span className="muted">
                    {s.role === 'gm' ? 'game master' : s.role} · {s.status.replace('_', ' ')}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  )
}
