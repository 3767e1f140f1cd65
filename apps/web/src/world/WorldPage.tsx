import { useTavern, useTavernEvent } from '@tavern/client/react'
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { describeError } from '../errors.ts'
import { freshToken, type Session } from '../session.ts'
import { AppearanceEditor } from './AppearanceEditor.tsx'
import { type Assets, loadAssets } from './assets.ts'
import { ChatPanel } from './ChatPanel.tsx'
import type { Controller } from './controller.ts'
import { HelpOverlay } from './HelpOverlay.tsx'
import { Minimap } from './Minimap.tsx'
import { SidePanels } from './SidePanels.tsx'
import { WorldStore } from './store.ts'
import { TradeWindow } from './TradeWindow.tsx'
import { Viewport } from './Viewport.tsx'
import './world.css'

const appearanceKey = (userId: string) => `tavern.appearance-set.${userId}`

/** `/`: the tile world with its panels. */
export function WorldPage({ session }: { session: Session }) {
  const client = session.client
  const { state } = useTavern(client, { pingEveryMs: 0 })
  const [store] = useState(() => new WorldStore())
  const [assets, setAssets] = useState<Assets | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [entered, setEntered] = useState(false)
  const [editing, setEditing] = useState(false)
  const [help, setHelp] = useState(false)
  const [toasts, setToasts] = useState<{ id: number; text: string; tone: string }[]>([])
  const controller = useRef<Controller | null>(null)
  useSyncExternalStore(store.subscribe, store.getVersion)

  const notify = useCallback((text: string, tone: 'error' | 'info' = 'info') => {
    const id = Date.now() + Math.random()
    setToasts((t) => [...t.slice(-2), { id, text, tone }])
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 3500)
  }, [])

  useEffect(() => {
    loadAssets(client.rest, () => freshToken(client)).then(setAssets, (e) =>
      setError(
        (e as { code?: string }).code === 'sys.route_not_found'
          ? 'This Tavern has no world to walk in. The Table is open, though.'
          : describeError(e),
      ),
    )
  }, [client])

  const entering = useRef(false)
  const enter = useCallback(() => {
    if (entering.current) return
    entering.current = true
    client.request('world.enter', {}).then(
      (r) => {
        entering.current = false
        store.enter(r, performance.now())
        setEntered(true)
        setError(null)
        if (!localStorage.getItem(appearanceKey(session.user.userId))) setEditing(true)
        if (r.motd) notify(r.motd)
      },
      (e) => {
        entering.current = false
        setError(describeError(e))
      },
    )
  }, [client, store, session.user.userId, notify])
  useEffect(() => {
    if (state === 'open' && assets && !entered) enter()
  }, [state, assets, entered, enter])
  useTavernEvent(client, 'session.resync', enter)

  useTavernEvent(client, 'world.chunk_data', (p) => {
    store.addChunks(p.map, p.chunks)
    store.changed()
  })
  useTavernEvent(client, 'world.update', (p) => store.applyUpdate(p, performance.now()))
  useTavernEvent(client, 'world.self', (p) => store.applySelf(p, performance.now()))
  useTavernEvent(client, 'world.died', (p) => {
    store.respawnAt = p.respawnAt
    if (store.self) store.self = { ...store.self, dead: true, hp: { ...store.self.hp, current: 0 } }
    store.changed()
  })
  useTavernEvent(client, 'world.respawned', (p) => {
    store.respawnAt = null
    if (store.self) store.self = { ...store.self, dead: false, hp: p.hp, x: p.x, y: p.y, map: p.map }
    store.place('self', p.x, p.y, 'down', performance.now(), true)
    store.changed()
  })
  useTavernEvent(client, 'world.map_changed', (p) => {
    store.map = p.map
    store.chunks.clear()
    store.clearViews()
    if (store.self) store.self = { ...store.self, map: p.map.id, x: p.x, y: p.y, facing: p.facing }
    store.place('self', p.x, p.y, p.facing, performance.now(), true)
    notify(`You arrive in ${p.map.name}.`)
    store.changed()
  })
  useTavernEvent(client, 'world.trade.requested', (p) => {
    store.tradeRequests = [...store.tradeRequests.filter((r) => r.userId !== p.from.userId), p.from]
    notify(`${p.from.username} wants to trade.`)
    store.changed()
  })
  useTavernEvent(client, 'world.trade.updated', (p) => {
    store.trade = p
    store.tradeRequests = store.tradeRequests.filter((r) => r.userId !== p.with.userId)
    store.changed()
  })
  useTavernEvent(client, 'world.trade.closed', (p) => {
    store.trade = null
    notify(p.reason === 'completed' ? 'Trade complete.' : 'The trade was called off.')
    store.changed()
  })

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input, textarea, select')) return
      if (e.key === '?') setHelp((h) => !h)
      else if (e.key === 'Escape') setHelp(false)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  if (error && !entered)
    return (
      <div className="table-lobby">
        <div className="error" role="alert">
          {error}
        </div>
      </div>
    )
  if (!assets || !entered || !store.self)
    return <div className="table-lobby muted">Walking to Millbrook…</div>

  const self = store.self
  return (
    <div className="world">
      <div className="world-stage">
        <Viewport store={store} assets={assets} client={client} notify={notify} controllerRef={controller} />
        <div className="hud">
          <div className="hp-orb" title="Hitpoints" data-testid="hp">
            <span style={{ height: `${(100 * self.hp.current) / Math.max(1, self.hp.max)}%` }} />
            <b>
              {self.hp.current}/{self.hp.max}
            </b>
          </div>
          <div className="where">
            <div className="map-name">{store.map?.name}</div>
            <div className="coords" data-testid="coords">
              {self.x}, {self.y}
            </div>
          </div>
        </div>
        <div className="toasts">
          {toasts.map((t) => (
            <div key={t.id} className={`toast-line ${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
              {t.text}
            </div>
          ))}
        </div>
        {store.tradeRequests.length > 0 && !store.trade && (
          <div className="trade-requests">
            {store.tradeRequests.map((r) => (
              <div key={r.userId} className="panel trade-request" role="status">
                <span className="grow">{r.username} wants to trade.</span>
                <button
                  type="button"
                  className="primary small"
                  onClick={() =>
                    client
                      .request('world.trade.request', { userId: r.userId })
                      .catch((e) => notify(describeError(e), 'error'))
                  }
                >
                  Trade
                </button>
                <button
                  type="button"
                  className="ghost small"
                  aria-label="Decline"
                  onClick={() => {
                    store.tradeRequests = store.tradeRequests.filter((x) => x.userId !== r.userId)
                    store.changed()
                  }}
                >
                  ✕
                </button>
              </div>
            ))}
          </div>
        )}
        {self.dead && (
          <div className="death">
            <div className="title">You have fallen</div>
            <div className="muted">
              {store.respawnAt ? `You rise again at the spawn in a few seconds…` : 'Rising…'}
            </div>
          </div>
        )}
        <ChatPanel client={client} store={store} me={session.user.username} notify={notify} />
        <button
          type="button"
          className="help-btn"
          onClick={() => setHelp(true)}
          title="Keyboard shortcuts (?)"
        >
          ?
        </button>
      </div>
      <aside className="world-side">
        <Minimap store={store} />
        <SidePanels
          store={store}
          assets={assets}
          client={client}
          notify={notify}
          onAppearance={() => setEditing(true)}
        />
      </aside>
      {store.trade && <TradeWindow store={store} assets={assets} client={client} notify={notify} />}
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
      {editing && (
        <AppearanceEditor
          client={client}
          store={store}
          assets={assets}
          onDone={() => {
            localStorage.setItem(appearanceKey(session.user.userId), '1')
            setEditing(false)
          }}
        />
      )}
    </div>
  )
}
