import { useEffect, useRef } from 'react'
import type { WorldStore } from './store.ts'

const SIZE = 150
const SCALE = 2

/** A small map of the loaded chunks around us: walkable ground, walls, and dots for everyone nearby. */
export function Minimap({ store }: { store: WorldStore }) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const g = ref.current!.getContext('2d')!
    const draw = () => {
      const self = store.self
      g.fillStyle = '#120c08'
      g.fillRect(0, 0, SIZE, SIZE)
      if (!self) return
      const ox = self.x - SIZE / SCALE / 2
      const oy = self.y - SIZE / SCALE / 2
      for (const c of store.chunks.values()) {
        for (let dy = 0; dy < c.size; dy++) {
          const row = c.walkable[dy] ?? 0
          for (let dx = 0; dx < c.size; dx++) {
            const px = (c.x + dx - ox) * SCALE
            const py = (c.y + dy - oy) * SCALE
            if (px < -SCALE || py < -SCALE || px > SIZE || py > SIZE) continue
            const empty = c.layers.every((l) => l.gids[dy * c.size + dx] === 0)
            if (empty) continue
            g.fillStyle = (row >> dx) & 1 ? '#5d7a3a' : '#2e3b4a'
            g.fillRect(px, py, SCALE, SCALE)
          }
        }
      }
      const dot = (x: number, y: number, colour: string, r = 2) => {
        g.fillStyle = colour
        g.fillRect((x - ox) * SCALE - r / 2, (y - oy) * SCALE - r / 2, r + 1, r + 1)
      }
      for (const i of store.items.values()) dot(i.x, i.y, '#ffd76a')
      for (const n of store.npcs.values())
        if (n.mode !== 'dead') dot(n.x, n.y, n.attackable ? '#e0533a' : '#e8e0c0')
      for (const p of store.players.values()) dot(p.x, p.y, '#7fb2e0', 3)
      dot(self.x, self.y, '#ffffff', 3)
    }
    draw()
    const timer = setInterval(draw, 250)
    return () => clearInterval(timer)
  }, [store])
  return (
    <div className="minimap panel" title="Minimap">
      <canvas ref={ref} width={SIZE} height={SIZE} data-testid="minimap" />
      <div className="map-label">{store.map?.name}</div>
    </div>
  )
}
