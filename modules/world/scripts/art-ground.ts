/** Ground textures: grass, dirt, sand, cobbles, road and water with their edges. All tile seamlessly. */
import { Canvas, type Color, hex, mix, rng, shade, wrapNoise } from './canvas.ts'

export const S = 32

export const GRASS = { dark: hex('#3b7a3a'), base: hex('#56a044'), light: hex('#72b850'), hi: hex('#9ad264') }
export const DIRT = { dark: hex('#86623d'), base: hex('#a98052'), light: hex('#c39a66'), hi: hex('#d8b884') }
export const SAND = { dark: hex('#c9a86a'), base: hex('#dfc489'), light: hex('#ecd6a0'), hi: hex('#f7e9c0') }
export const WATER = {
  deep: hex('#2e5f9e'),
  base: hex('#3b78bd'),
  light: hex('#5c9bd8'),
  hi: hex('#9fd0f2'),
  foam: hex('#e4f4ff'),
}

const wrap = (v: number) => ((v % S) + S) % S

/** A grass texture as a pixel function, so other tiles can blend into exactly the same grass. */
export function grassTexture(seed: number, palette = GRASS, flowers = 0): (x: number, y: number) => Color {
  const noise = wrapNoise(seed, S, 4)
  const fine = wrapNoise(seed + 7, S, 8)
  const px = new Map<number, Color>()
  const r = rng(seed * 31 + 5)
  // Tufts: a light blade with a dark root, like hand-placed grass strokes.
  for (let i = 0; i < 26; i++) {
    const x = r.int(0, S - 1)
    const y = r.int(0, S - 1)
    px.set(wrap(y) * S + wrap(x), palette.hi)
    px.set(wrap(y + 1) * S + wrap(x), palette.light)
    px.set(wrap(y + 1) * S + wrap(x + 1), palette.dark)
    if (r.next() < 0.5) px.set(wrap(y) * S + wrap(x - 2), palette.light)
  }
  for (let i = 0; i < 14; i++) px.set(r.int(0, S - 1) * S + r.int(0, S - 1), palette.dark)
  const petals = [hex('#f4f1e6'), hex('#f6d24a'), hex('#e8697a')]
  for (let i = 0; i < flowers; i++) {
    const x = r.int(1, S - 2)
    const y = r.int(1, S - 2)
    const c = r.pick(petals)
    for (const [dx, dy] of [
      [0, -1],
      [-1, 0],
      [1, 0],
      [0, 1],
    ] as const)
      px.set((y + dy) * S + x + dx, c)
    px.set(y * S + x, hex('#f6c84a'))
  }
  return (x, y) => {
    const t = px.get(wrap(y) * S + wrap(x))
    if (t) return t
    const n = noise(x, y) * 0.7 + fine(x, y) * 0.3
    if (n < 0.34) return mix(palette.base, palette.dark, 0.45)
    if (n > 0.68) return mix(palette.base, palette.light, 0.5)
    return palette.base
  }
}

/** Earth with pebbles: the road surface. */
export function dirtTexture(seed: number, palette = DIRT, pebbles = 9): (x: number, y: number) => Color {
  const noise = wrapNoise(seed, S, 4)
  const px = new Map<number, Color>()
  const r = rng(seed * 17 + 3)
  for (let i = 0; i < pebbles; i++) {
    const x = r.int(0, S - 1)
    const y = r.int(0, S - 1)
    const w = r.int(1, 2)
    for (let d = 0; d < w; d++) px.set(wrap(y) * S + wrap(x + d), palette.hi)
    for (let d = 0; d < w; d++) px.set(wrap(y + 1) * S + wrap(x + d), palette.dark)
  }
  for (let i = 0; i < 30; i++)
    px.set(
      r.int(0, S - 1) * S + r.int(0, S - 1),
      r.next() < 0.5 ? palette.light : mix(palette.base, palette.dark, 0.5),
    )
  return (x, y) => {
    const t = px.get(wrap(y) * S + wrap(x))
    if (t) return t
    const n = noise(x, y)
    if (n < 0.3) return mix(palette.base, palette.dark, 0.35)
    if (n > 0.72) return mix(palette.base, palette.light, 0.45)
    return palette.base
  }
}

export function paint(tex: (x: number, y: number) => Color): Canvas {
  const c = new Canvas(S, S)
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) c.set(x, y, tex(x, y))
  return c
}

/** Depth of an irregular edge along one side, the same on both sides of a tile seam. */
function edgeDepth(seed: number, t: number, base: number, jitter: number): number {
  const n = wrapNoise(seed, S, 6)(t, 0)
  return base + Math.round((n - 0.5) * 2 * jitter)
}

/**
 * Distance-like value from a pixel to the sides flagged in `mask` (1 N, 2 E, 4 S, 8 W): how deep into the
 * neighbouring terrain's band the pixel is; negative outside every band.
 */
function bandDepth(mask: number, x: number, y: number, depthAt: (side: number, t: number) => number): number {
  let best = Number.NEGATIVE_INFINITY
  if (mask & 1) best = Math.max(best, depthAt(1, x) - y)
  if (mask & 2) best = Math.max(best, depthAt(2, y) - (S - 1 - x))
  if (mask & 4) best = Math.max(best, depthAt(4, x) - (S - 1 - y))
  if (mask & 8) best = Math.max(best, depthAt(8, y) - x)
  return best
}

/** Road surface with grass growing in from the sides in `mask`. */
export function roadTile(mask: number): Canvas {
  const grass = grassTexture(1)
  const dirt = dirtTexture(11)
  const depthAt = (side: number, t: number) => edgeDepth(side === 1 || side === 4 ? 101 : 202, t, 4, 2)
  return paint((x, y) => {
    const d = bandDepth(mask, x, y, depthAt)
    if (d > 0) return d === 1 ? mix(grass(x, y), GRASS.dark, 0.35) : grass(x, y)
    if (d === 0) return shade(DIRT.base, -0.25)
    if (d === -1) return mix(dirt(x, y), DIRT.dark, 0.3)
    return dirt(x, y)
  })
}

/** Open water with gentle wave strokes. */
export function waterTexture(seed: number): (x: number, y: number) => Color {
  const noise = wrapNoise(seed, S, 4)
  const px = new Map<number, Color>()
  const r = rng(seed * 13 + 1)
  for (let i = 0; i < 9; i++) {
    const x = r.int(0, S - 1)
    const y = r.int(0, S - 1)
    const len = r.int(3, 6)
    for (let d = 0; d < len; d++)
      px.set(wrap(y) * S + wrap(x + d), d === 0 || d === len - 1 ? WATER.light : WATER.hi)
    for (let d = 1; d < len - 1; d++) px.set(wrap(y + 1) * S + wrap(x + d), WATER.deep)
  }
  return (x, y) =>
    px.get(wrap(y) * S + wrap(x)) ?? (noise(x, y) < 0.45 ? WATER.base : mix(WATER.base, WATER.deep, 0.45))
}

/** Water with a grassy bank, a strip of wet sand and a foam line on the sides in `mask`. */
export function waterTile(mask: number): Canvas {
  const grass = grassTexture(1)
  const water = waterTexture(21)
  const depthAt = (side: number, t: number) => edgeDepth(side === 1 || side === 4 ? 303 : 404, t, 4, 1)
  return paint((x, y) => {
    const d = bandDepth(mask, x, y, depthAt)
    if (d > 1) return grass(x, y)
    if (d === 1) return mix(grass(x, y), GRASS.dark, 0.4)
    if (d === 0) return SAND.dark
    if (d === -1) return mix(SAND.dark, WATER.base, 0.5)
    if (d === -2) return WATER.foam
    if (d === -3) return WATER.light
    return water(x, y)
  })
}

/** Cobblestones: rounded stones in staggered rows with dark joints. */
export function cobbleTile(): Canvas {
  const c = new Canvas(S, S)
  const r = rng(77)
  const joint = hex('#5d5650')
  c.rect(0, 0, S, S, joint)
  const stones = [hex('#9b948a'), hex('#a9a298'), hex('#8e877e')]
  for (let row = 0; row < 4; row++) {
    const offset = row % 2 === 0 ? 0 : 4
    for (let col = -1; col < 4; col++) {
      const x0 = col * 8 + offset + 1
      const y0 = row * 8 + 1
      const base = r.pick(stones)
      for (let y = 0; y < 6; y++) {
        for (let x = 0; x < 7; x++) {
          const corner = (x === 0 || x === 6) && (y === 0 || y === 5)
          if (corner) continue
          let col2 = base
          if (y === 0 || x === 0) col2 = shade(base, 0.25)
          if (y === 5 || x === 6) col2 = shade(base, -0.3)
          c.put(wrap(x0 + x), y0 + y, col2)
        }
      }
    }
  }
  return c
}

/** A plank bridge; `vertical` turns it for north–south crossings. */
export function bridgeTile(vertical: boolean): Canvas {
  const water = waterTexture(21)
  const planks = [hex('#9a6a3e'), hex('#8a5c34'), hex('#a8784a')]
  const rail = hex('#5e3d22')
  const c = paint((x, y) => {
    const [u, v] = vertical ? [y, x] : [x, y]
    if (v < 3 || v > 28) return water(x, y)
    if (v === 3 || v === 28) return rail
    if (v === 4 || v === 27) return shade(rail, 0.25)
    const plank = Math.floor(u / 4)
    const base = planks[plank % 3]!
    if (u % 4 === 3) return shade(base, -0.35)
    if (u % 4 === 0) return shade(base, 0.15)
    return (u * 7 + v * 3) % 11 === 0 ? shade(base, -0.15) : base
  })
  for (const t of [2, 17]) {
    for (const side of [2, 27]) {
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          const [x, y] = vertical ? [side + b, t + a] : [t + a, side + b]
          c.put(x, y, a === 0 || b === 0 ? shade(rail, 0.3) : rail)
        }
      }
    }
  }
  return c
}
