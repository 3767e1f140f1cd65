import type { RequestPayload } from '@tavern/protocol'
import { type FormEvent, useState } from 'react'
import type { RoomState } from './room-state.ts'

/** What the client may send: defaults are filled in by the server. */
export type SceneActionInput = RequestPayload<'table.scene'>['action']

/** `move`: drag tokens, click a token or a fog area to select it. `fog`: drag across the map to cover an area. */
export type SceneTool = 'move' | 'fog'
const TOOLS: ReadonlyArray<{ tool: SceneTool; label: string; title: string }> = [
  { tool: 'move', label: 'Select', title: 'Drag tokens; click a token or a fog area to select it' },
  { tool: 'fog', label: 'Fog', title: 'Drag across the map to cover an area with fog' },
]
export type Selection = { kind: 'token' | 'fog'; id: string } | null
export type Cell = { x: number; y: number }

/** The rectangle of cells spanned by two corner cells, in either order. */
export function cellsBetween(a: Cell, b: Cell): { x: number; y: number; w: number; h: number } {
  const x = Math.min(a.x, b.x)
  const y = Math.min(a.y, b.y)
  return { x, y, w: Math.abs(a.x - b.x) + 1, h: Math.abs(a.y - b.y) + 1 }
}

type Props = {
  room: RoomState
  tool: SceneTool
  onTool: (t: SceneTool) => void
  selected: Selection
  onSelect: (s: Selection) => void
  send: (action: SceneActionInput) => Promise<boolean>
}

/** The GM's scene controls: tool mode, what to do with the selected token or fog area, and placing tokens. */
export function SceneTools({ room, tool, onTool, selected, onSelect, send }: Props) {
  const { tokens, fog, grid } = room.scene
  const [tokenName, setTokenName] = useState('')
  const [owner, setOwner] = useState('')
  const [hideNew, setHideNew] = useState(false)
  const token = selected?.kind === 'token' ? tokens.find((t) => t.id === selected.id) : undefined
  const area = selected?.kind === 'fog' ? fog.find((f) => f.id === selected.id) : undefined

  const addToken = async (e: FormEvent) => {
    e.preventDefault()
    if (!tokenName.trim()) return
    const taken = new Set(tokens.map((t) => `${t.x},${t.y}`))
    let x = 0
    let y = 0
    for (let i = 0; i < grid.w * grid.h; i++) {
      x = i % grid.w
      y = Math.floor(i / grid.w)
      if (!taken.has(`${x},${y}`)) break
    }
    const name = tokenName.trim()
    const placed = await send({ type: 'add_token', name, owner: owner || null, x, y, hidden: hideNew })
    // Clear the box only if it still holds what was placed: the GM may already be typing the next token's name.
    if (placed) setTokenName((current) => (current.trim() === name ? '' : current))
  }

  return (
    <div className="scene-tools" data-testid="scene-tools">
      <div className="row">
        <fieldset className="tool-switch" aria-label="Scene tool">
          {TOOLS.map((t) => (
            <button
              key={t.tool}
              type="button"
              className={`small ${tool === t.tool ? 'on' : ''}`}
              aria-pressed={tool === t.tool}
              onClick={() => onTool(t.tool)}
              title={t.title}
              data-testid={`tool-${t.tool}`}
            >
              {t.label}
            </button>
          ))}
        </fieldset>
        <div className="grow row selection" data-testid="scene-selection">
          {token ? (
            <>
              <span className="sel-name" title={token.name}>
                {token.name}
                {token.hidden && <span className="badge">hidden</span>}
              </span>
              <button
                type="button"
                className="small"
                onClick={() => send({ type: 'hide_token', id: token.id, hidden: !token.hidden })}
                data-testid="token-visibility"
              >
                {token.hidden ? 'Show to players' : 'Hide from players'}
              </button>
              <button
                type="button"
                className="ghost small"
                onClick={async () => {
                  if (await send({ type: 'remove_token', id: token.id })) onSelect(null)
                }}
                data-testid="token-remove"
              >
                Remove
              </button>
            </>
          ) : area ? (
            <>
              <span className="sel-name">
                Fog {area.w}×{area.h}
              </span>
              <button
                type="button"
                className="small"
                onClick={async () => {
                  if (await send({ type: 'fog_remove', id: area.id })) onSelect(null)
                }}
                title="Lift this fog: players see what is under it"
                data-testid="fog-reveal"
              >
                Reveal area
              </button>
            </>
          ) : (
            <span className="muted small-text">
              {tool === 'fog'
                ? 'Drag across the map to cover an area with fog.'
                : 'Click a token to hide it, or a fog area to reveal it.'}
            </span>
          )}
        </div>
        {fog.length > 0 && (
          <button
            type="button"
            className="ghost small"
            onClick={async () => {
              if (await send({ type: 'fog_clear' })) onSelect(null)
            }}
            title="Reveal the whole map"
            data-testid="fog-clear"
          >
            Clear fog ({fog.length})
          </button>
        )}
      </div>
      <form className="row" onSubmit={addToken}>
        <input
          className="grow"
          placeholder="New token"
          value={tokenName}
          onChange={(e) => setTokenName(e.target.value)}
          aria-label="Token name"
        />
        <select value={owner} onChange={(e) => setOwner(e.target.value)} aria-label="Token owner">
          <option value="">GM's</option>
          {room.members
            .filter((m) => m.role !== 'spectator')
            .map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.username}'s
              </option>
            ))}
        </select>
        <label className="check" title="Place it hidden from players">
          <input type="checkbox" checked={hideNew} onChange={(e) => setHideNew(e.target.checked)} />
          hidden
        </label>
        <button type="submit" className="small">
          Place
        </button>
      </form>
    </div>
  )
}
