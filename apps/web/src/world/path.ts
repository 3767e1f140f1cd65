/** A* over 4-connected tiles; returns the steps after `from` up to `to` (empty when unreachable). */
export function findPath(
  from: { x: number; y: number },
  to: { x: number; y: number },
  walkable: (x: number, y: number) => boolean,
  limit = 2000,
): { x: number; y: number }[] {
  if (from.x === to.x && from.y === to.y) return []
  const key = (x: number, y: number) => `${x},${y}`
  const h = (x: number, y: number) => Math.abs(x - to.x) + Math.abs(y - to.y)
  const open: { x: number; y: number; g: number; f: number }[] = [{ ...from, g: 0, f: h(from.x, from.y) }]
  const came = new Map<string, string | null>([[key(from.x, from.y), null]])
  const cost = new Map<string, number>([[key(from.x, from.y), 0]])
  let expanded = 0
  while (open.length > 0 && expanded++ < limit) {
    let best = 0
    for (let i = 1; i < open.length; i++) if (open[i]!.f < open[best]!.f) best = i
    const cur = open.splice(best, 1)[0]!
    if (cur.x === to.x && cur.y === to.y) {
      const out: { x: number; y: number }[] = []
      let k: string | null | undefined = key(cur.x, cur.y)
      while (k && k !== key(from.x, from.y)) {
        const [x, y] = k.split(',').map(Number) as [number, number]
        out.push({ x, y })
        k = came.get(k)
      }
      return out.reverse()
    }
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ] as const) {
      const nx = cur.x + dx
      const ny = cur.y + dy
      if (!walkable(nx, ny)) continue
      const g = cur.g + 1
      const k = key(nx, ny)
      if ((cost.get(k) ?? Number.POSITIVE_INFINITY) <= g) continue
      cost.set(k, g)
      came.set(k, key(cur.x, cur.y))
      open.push({ x: nx, y: ny, g, f: g + h(nx, ny) })
    }
  }
  return []
}

/** The direction of a one-tile step. */
export function dirOf(dx: number, dy: number): 'up' | 'down' | 'left' | 'right' {
  if (dx > 0) return 'right'
  if (dx < 0) return 'left'
  return dy > 0 ? 'down' : 'up'
}
