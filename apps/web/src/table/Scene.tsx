import type { TavernHandle } from '@tavern/client/react'
import type { SceneToken } from '@tavern/protocol'
import { type PointerEvent, useRef, useState } from 'react'
import { describeError } from '../errors.ts'
import type { RoomState } from './room-state.ts'
import {
  type Cell,
  cellsBetween,
  type SceneActionInput,
  type SceneTool,
  SceneTools,
  type Selection,
} from './SceneTools.tsx'

type Props = { room: RoomState; request: TavernHandle['request']; onError: (e: string | null) => void }

const COLOURS = ['#c0392b', '#2e86c1', '#27ae60', '#8e44ad', '#d68910', '#16a085', '#a04000', '#5d6d7e']
const colourOf = (id: string) =>
  COLOURS[[...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % COLOURS.length]

/**
 * The battle map: the grid, fog, and tokens you can drag when they are yours (GMs drag any). The GM also
 * selects tokens to hide or show them, draws fog rectangles with the fog tool and selects fog to reveal it.
 * Players only ever receive what they may see: fog is opaque for them, translucent for the GM.
 */
export function Scene({ room, request, onError }: Props) {
  const { grid, tokens, fog, mapUrl } = room.scene
  const gm = room.you.role === 'gm'
  const svg = useRef<SVGSVGElement>(null)
  const [drag, setDrag] = useState<{ id: string; x: number; y: number } | null>(null)
  const [sketch, setSketch] = useState<{ from: Cell; to: Cell } | null>(null)
  const [tool, setTool] = useState<SceneTool>('move')
  const [selected, setSelected] = useState<Selection>(null)
  const cell = grid.cell
  const W = grid.w * cell
  const H = grid.h * cell
  const sessionId = room.session.id
  const drawing = gm && tool === 'fog'

  const send = (action: SceneActionInput) =>
    request('table.scene', { sessionId, action }).then(
      () => {
        onError(null)
        return true
      },
      (e) => {
        onError(describeError(e))
        return false
      },
    )

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
    if (drawing || !canMove(t)) return
    e.stopPropagation()
    ;(e.target as Element).setPointerCapture(e.pointerId)
    setDrag({ id: t.id, x: t.x, y: t.y })
  }
  const downOnFog = (id: string) => (e: PointerEvent) => {
    if (drawing) return
    e.stopPropagation()
    setSelected({ kind: 'fog', id })
  }
  /** On the board itself: the fog tool starts a rectangle; otherwise a click on empty ground clears the selection. */
  const downOnBoard = (e: PointerEvent<SVGSVGElement>) => {
    if (!drawing) {
      setSelected(null)
      return
    }
    const c = cellAt(e)
    if (!c) return
    e.currentTarget.setPointerCapture(e.pointerId)
    setSketch({ from: c, to: c })
  }
  const move = (e: PointerEvent) => {
    if (sketch) {
      const c = cellAt(e)
      if (c && (c.x !== sketch.to.x || c.y !== sketch.to.y)) setSketch({ ...sketch, to: c })
      return
    }
    if (!drag) return
    const c = cellAt(e)
    if (c && (c.x !== drag.x || c.y !== drag.y)) setDrag({ ...drag, ...c })
  }
  const up = () => {
    if (sketch) {
      setSketch(null)
      void send({ type: 'fog_add', ...cellsBetween(sketch.from, sketch.to) })
      return
    }
    if (!drag) return
    const d = drag
    setDrag(null)
    const t = tokens.find((x) => x.id === d.id)
    if (!t) return
    if (t.x !== d.x || t.y !== d.y)
      request('table.move', { sessionId, tokenId: d.id, x: d.x, y: d.y }).catch((e) =>
        onError(describeError(e)),
      )
    else if (gm) setSelected({ kind: 'token', id: t.id })
  }
  const cancel = () => {
    setSketch(null)
    setDrag(null)
  }
  const chooseTool = (t: SceneTool) => {
    setTool(t)
    setSelected(null)
  }
  const preview = sketch && cellsBetween(sketch.from, sketch.to)

  return (
    <div className="scene">
      <div className="scene-board">
        <svg
          ref={svg}
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="xMidYMid meet"
          className={drawing ? 'fog-tool' : undefined}
          onPointerDown={downOnBoard}
          onPointerMove={move}
          onPointerUp={up}
          onPointerCancel={cancel}
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
            <pattern
              id="fog-hatch"
              width={cell / 2}
              height={cell / 2}
              patternUnits="userSpaceOnUse"
              patternTransform="rotate(45)"
            >
              <rect width={cell / 2} height={cell / 2} fill="#1b120c" fillOpacity="0.5" />
              <line
                x1="0"
                y1="0"
                x2="0"
                y2={cell / 2}
                stroke="#0b0704"
                strokeOpacity="0.45"
                strokeWidth={cell / 8}
              />
            </pattern>
          </defs>
          <rect width={W} height={H} fill="url(#parch)" />
          {mapUrl && <image href={mapUrl} width={W} height={H} preserveAspectRatio="none" />}
          <rect width={W} height={H} fill="url(#grid)" />
          {fog.map((f) => {
            const on = selected?.kind === 'fog' && selected.id === f.id
            return (
              <rect
                key={f.id}
                x={f.x * cell}
                y={f.y * cell}
                width={f.w * cell}
                height={f.h * cell}
                className={`fog ${gm ? 'gm' : ''} ${on ? 'selected' : ''}`}
                fill={gm ? 'url(#fog-hatch)' : '#1b120c'}
                stroke={on ? '#d9a441' : gm ? '#f3e6c8' : '#6b4a2f'}
                strokeOpacity={gm && !on ? 0.6 : 1}
                strokeWidth={on ? cell * 0.08 : cell * 0.05}
                strokeDasharray={gm ? `${cell * 0.2} ${cell * 0.12}` : undefined}
                pointerEvents={gm ? undefined : 'none'}
                onPointerDown={gm ? downOnFog(f.id) : undefined}
                data-testid="fog-area"
                data-fog={f.id}
              >
                {gm && <title>Fog: players cannot see into this area</title>}
              </rect>
            )
          })}
          {tokens.map((t) => {
            const at = drag?.id === t.id ? drag : t
            const r = cell * 0.42
            const on = selected?.kind === 'token' && selected.id === t.id
            return (
              <g
                key={t.id}
                transform={`translate(${at.x * cell + cell / 2} ${at.y * cell + cell / 2})`}
                className={`token ${canMove(t) && !drawing ? 'movable' : ''} ${t.hidden ? 'hidden-token' : ''}`}
                onPointerDown={down(t)}
                data-testid="token"
                data-token={t.name}
                data-hidden={t.hidden}
                data-selected={on}
              >
                {on && <circle r={r + cell * 0.07} fill="none" stroke="#d9a441" strokeWidth={cell * 0.06} />}
                <g className="token-body">
                  <circle
                    r={r}
                    fill={colourOf(t.owner ?? t.id)}
                    stroke="#f3e6c8"
                    strokeWidth={cell * 0.06}
                    strokeDasharray={t.hidden ? `${cell * 0.12} ${cell * 0.08}` : undefined}
                    filter="url(#tokshadow)"
                  />
                  <text textAnchor="middle" dy="0.35em" fontSize={cell * 0.42} fill="#fff" fontWeight="700">
                    {t.name.slice(0, 2)}
                  </text>
                </g>
                {t.hidden && <HiddenMark at={r * 0.72} size={cell * 0.24} />}
                <title>{t.hidden ? `${t.name} (hidden from players)` : t.name}</title>
              </g>
            )
          })}
          {preview && (
            <rect
              x={preview.x * cell}
              y={preview.y * cell}
              width={preview.w * cell}
              height={preview.h * cell}
              className="fog-sketch"
              fill="#1b120c"
              fillOpacity="0.35"
              stroke="#d9a441"
              strokeWidth={cell * 0.05}
              strokeDasharray={`${cell * 0.2} ${cell * 0.12}`}
              pointerEvents="none"
              data-testid="fog-sketch"
            />
          )}
        </svg>
      </div>
      {gm && (
        <SceneTools
          room={room}
          tool={tool}
          onTool={chooseTool}
          selected={selected}
          onSelect={setSelected}
          send={send}
        />
      )}
    </div>
  )
}

/** The GM's "hidden from players" badge on a token: a crossed-out eye. */
function HiddenMark({ at, size }: { at: number; size: number }) {
  return (
    <g className="hidden-mark" transform={`translate(${at} ${-at})`} data-testid="hidden-mark">
      <circle r={size} fill="#1b120c" stroke="#d9a441" strokeWidth={size * 0.14} />
      <ellipse rx={size * 0.62} ry={size * 0.36} fill="none" stroke="#f3e6c8" strokeWidth={size * 0.14} />
      <circle r={size * 0.17} fill="#f3e6c8" />
      <line
        x1={-size * 0.6}
        y1={size * 0.6}
        x2={size * 0.6}
        y2={-size * 0.6}
        stroke="#e0664f"
        strokeWidth={size * 0.18}
        strokeLinecap="round"
      />
    </g>
  )
}
