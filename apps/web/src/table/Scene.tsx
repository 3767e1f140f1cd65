import type { TavernHandle } from '@tavern/client/react'
import type { SceneToken } from '@tavern/protocol'
import { type FormEvent, type PointerEvent, useRef, useState } from 'react'
import { describeError } from '../errors.ts'
import type { RoomState } from './room-state.ts'

type Props = { room: RoomState; request: TavernHandle['request']; onError: (e: string | null) => void }

const COLOURS = ['#c0392b', '#2e86c1', '#27ae60', '#8e44ad', '#d68910', '#16a085', '#a04000', '#5d6d7e']
const colourOf = (id: string) =>
  COLOURS[[...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % COLOURS.length]

/** The battle map: the grid, fog, and tokens you can drag when they are yours (GMs drag any). */
export function Scene({ room, request, onError }: Props) {
  const { grid, tokens, fog, mapUrl } = room.scene
  const gm = room.you.role === 'gm'
  const svg = useRef<SVGSVGElement>(null)
  const [drag, setDrag] = useState<{ id: string; x: number; y: number } | null>(null)
  const [tokenName, setTokenName] = useState('')
  const [owner, setOwner] = useState('')
  const cell = grid.cell
  const W = grid.w * cell
  const H = grid.h * cell
  const sessionId = room.session.id

  const canMove = (t: SceneToken) => gm || t.owner === room.you.userId
  const cellAt = (e: PointerEvent) => {
    const m = svg.current?.getScreenCTM()
    if (!m) return null
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse())
    return {
      x: Math.max(0, Math.min(grid.w - 1, Math.floor(p.x / cell))),
      y: Math.max(0, Math.min(grid.h - 1, Math.floor(p.y / cell))),
    }
  }
  const down = (t: SceneToken) => (e: PointerEvent) => {
    if (!canMove(t)) return
    ;(e.target as Element).setPointerCapture(e.pointerId)
    setDrag({ id: t.id, x: t.x, y: t.y })
  }
  const move = (e: PointerEvent) => {
    if (!drag) return
    const c = cellAt(e)
    if (c && (c.x !== drag.x || c.y !== drag.y)) setDrag({ ...drag, ...c })
  }
  const up = () => {
    if (!drag) return
    const d = drag
    setDrag(null)
    const t = tokens.find((x) => x.id === d.id)
    if (t && (t.x !== d.x || t.y !== d.y))
      request('table.move', { sessionId, tokenId: d.id, x: d.x, y: d.y }).catch((e) =>
        onError(describeError(e)),
      )
  }
  const addToken = (e: FormEvent) => {
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
    request('table.scene', {
      sessionId,
      action: { type: 'add_token', name: tokenName.trim(), owner: owner || null, x, y },
    }).then(
      () => setTokenName(''),
      (err) => onError(describeError(err)),
    )
  }

  return (
    <div className="scene">
      <div className="scene-board">
        <svg
          ref={svg}
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="xMidYMid meet"
          onPointerMove={move}
          onPointerUp={up}
          data-testid="scene"
        >
          <title>Battle map</title>
          <defs>
            <radialGradient id="parch" cx="50%" cy="45%" r="75%">
              <stop offset="0%" stopColor="#eadbb5" />
              <stop offset="70%" stopColor="#d5bf8f" />
              <stop offset="100%" stopColor="#a8885a" />
            </radialGradient>
            <filter id="tokshadow" x="-50%" y="-50%" width="200%" height="200%">
              <feDropShadow dx="0" dy={cell * 0.06} stdDeviation={cell * 0.06} floodOpacity="0.6" />
            </filter>
            <pattern id="grid" width={cell} height={cell} patternUnits="userSpaceOnUse">
              <path
                d={`M ${cell} 0 L 0 0 0 ${cell}`}
                fill="none"
                stroke="rgba(60,40,20,0.35)"
                strokeWidth="1"
              />
            </pattern>
          </defs>
          <rect width={W} height={H} fill="url(#parch)" />
          {mapUrl && <image href={mapUrl} width={W} height={H} preserveAspectRatio="none" />}
          <rect width={W} height={H} fill="url(#grid)" />
          {fog.map((f) => (
            <rect
              key={f.id}
              x={f.x * cell}
              y={f.y * cell}
              width={f.w * cell}
              height={f.h * cell}
              fill="#1b120c"
              opacity={gm ? 0.55 : 1}
            />
          ))}
          {tokens.map((t) => {
            const at = drag?.id === t.id ? drag : t
            const r = cell * 0.42
            return (
              <g
                key={t.id}
                transform={`translate(${at.x * cell + cell / 2} ${at.y * cell + cell / 2})`}
                className={`token ${canMove(t) ? 'movable' : ''} ${t.hidden ? 'hidden-token' : ''}`}
                onPointerDown={down(t)}
                data-token={t.name}
              >
                <circle
                  r={r}
                  fill={colourOf(t.owner ?? t.id)}
                  stroke="#f3e6c8"
                  strokeWidth={cell * 0.06}
                  filter="url(#tokshadow)"
                />
                <text textAnchor="middle" dy="0.35em" fontSize={cell * 0.42} fill="#fff" fontWeight="700">
                  {t.name.slice(0, 2)}
                </text>
                <title>{t.name}</title>
              </g>
            )
          })}
        </svg>
      </div>
      {gm && (
        <form className="row scene-tools" onSubmit={addToken}>
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
          <button type="submit" className="small">
            Place
          </button>
        </form>
      )}
    </div>
  )
}
