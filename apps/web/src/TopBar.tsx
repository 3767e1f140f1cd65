import { useTavern } from '@tavern/client/react'
import type { MouseEvent } from 'react'
import { Mug } from './Mug.tsx'
import { navigate } from './route.ts'
import type { Session } from './session.ts'

const stateText = {
  idle: 'Offline',
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
} as const

/** Brand, page links, the connection badge with latency, and the player's menu. */
export function TopBar(props: { session: Session; page: 'world' | 'table'; onLogout: () => void }) {
  const { state, latencyMs, reconnect } = useTavern(props.session.client)
  const go = (path: string) => (e: MouseEvent) => {
    e.preventDefault()
    navigate(path)
  }
  return (
    <header className="topbar">
      <a className="brand" href="/" onClick={go('/')}>
        <Mug /> Tavern
      </a>
      <nav className="row">
        <a href="/" className={props.page === 'world' ? 'active' : ''} onClick={go('/')}>
          World
        </a>
        <a href="/table" className={props.page === 'table' ? 'active' : ''} onClick={go('/table')}>
          Table
        </a>
      </nav>
      <div className="grow" />
      <span className={`status ${state}`} data-testid="connection" data-state={state} title="Connection">
        <span className="dot" />
        {stateText[state]}
        {state === 'open' && latencyMs !== null && <span data-testid="latency">· {latencyMs} ms</span>}
      </span>
      {state === 'open' && (
        <button
          type="button"
          className="ghost small"
          onClick={reconnect}
          title="Drop and resume the connection"
        >
          ↻
        </button>
      )}
      <span className="muted">{props.session.user.username}</span>
      <button type="button" className="small" onClick={props.onLogout}>
        Log out
      </button>
    </header>
  )
}
