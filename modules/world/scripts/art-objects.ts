/** Things standing on the ground (transparent tiles for the decoration and obstacle layers). */
import { S } from './art-ground.ts'
import { Canvas, type Color, hex, rng, shade, withAlpha, wrapNoise } from './canvas.ts'

export const OUTLINE = hex('#1b1622')
const SHADOW = withAlpha(hex('#10140c'), 80)
const LEAVES = [hex('#1f4a2a'), hex('#2b6633'), hex('#3d833b'), hex('#58a147'), hex('#7fc25c')]
const BARK = { dark: hex('#4a2e1c'), base: hex('#6b4426'), light: hex('#8c5c34') }
const STONE = [hex('#4f4a52'), hex('#6e6872'), hex('#8d8790'), hex('#aba6ad'), hex('#cdc9cf')]

/**
 * Shades a blob lit from the top-left: `inside` says which pixels belong to it, `centre`/`radius` give the
 * sphere it is lit like, and the palette runs dark → light.
 */
export function litBlob(
  c: Canvas,
  inside: (x: number, y: number) => boolean,
  centre: { x: number; y: number; r: number },
  palette: readonly Color[],
  opts: { seed?: number; grain?: number; box?: [number, number, number, number] } = {},
): void {
  const noise = wrapNoise(opts.seed ?? 1, 16, 8)
  const [x0, y0, x1, y1] = opts.box ?? [0, 0, c.width - 1, c.height - 1]
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!inside(x, y)) continue
      const nx = (x - centre.x) / centre.r
      const ny = (y - centre.y) / centre.r
      let v = 0.55 - 0.45 * nx - 0.55 * ny + (noise(x, y) - 0.5) * (opts.grain ?? 0.5)
      v = Math.max(0, Math.min(0.999, v))
      // Ordered dither between neighbouring shades keeps the ramp from banding.
      const scaled = v * palette.length
      const idx = Math.floor(scaled)
      const frac = scaled - idx
      const bump = frac > ((x + y * 2) % 4) / 4 + 0.12 ? 1 : 0
      c.set(x, y, palette[Math.min(palette.length - 1, idx + bump)]!)
    }
  }
}

function groundShadow(c: Canvas, cx: number, cy: number, rx: number, ry: number): void {
  c.ellipse(cx, cy, rx, ry, SHADOW)
}

const inCircle = (cx: number, cy: number, r: number) => (x: number, y: number) =>
  (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r

export function tree(): Canvas {
  const c = new Canvas(S, S)
  groundShadow(c, 16, 28.5, 11, 3)
  c.fill(13, 19, 18, 29, (x, y) =>
    x === 13 ? BARK.light : x >= 17 ? BARK.dark : (x + y) % 5 === 0 ? BARK.dark : BARK.base,
  )
  c.set(12, 29, BARK.dark)
  c.set(19, 29, BARK.dark)
  const parts = [
    inCircle(16, 11, 10.5),
    inCircle(8.5, 15, 6.5),
    inCircle(23.5, 15, 6.5),
    inCircle(16, 17, 7),
    inCircle(11, 6, 5.5),
    inCircle(21, 6.5, 5.5),
  ]
  const canopy = (x: number, y: number) => parts.some((p) => p(x, y))
  litBlob(c, canopy, { x: 16, y: 12, r: 12 }, LEAVES, { seed: 3, grain: 0.7, box: [1, 0, 30, 24] })
  c.outline(OUTLINE)
  return c
}

export function pine(): Canvas {
  const c = new Canvas(S, S)
  groundShadow(c, 16, 29, 9, 2.5)
  c.fill(14, 24, 17, 29, (x) => (x === 14 ? BARK.light : x === 17 ? BARK.dark : BARK.base))
  const needles = [hex('#173d2c'), hex('#225236'), hex('#2f6b40'), hex('#448a4e'), hex('#62a862')]
  const tiers = [
    { apex: 1, base: 11, half: 7 },
    { apex: 6, base: 18, half: 10 },
    { apex: 11, base: 25, half: 13 },
  ]
  const inside = (x: number, y: number) =>
    tiers.some(
      (t) =>
        y >= t.apex &&
        y <= t.base &&
        Math.abs(x + 0.5 - 16) <= ((y - t.apex + 1) / (t.base - t.apex + 1)) * t.half,
    )
  litBlob(c, inside, { x: 16, y: 12, r: 14 }, needles, { seed: 5, grain: 0.6 })
  for (const t of tiers) c.fill(0, t.base, 31, t.base, (x, y) => (inside(x, y) ? needles[0]! : null))
  c.outline(OUTLINE)
  return c
}

export function bush(): Canvas {
  const c = new Canvas(S, S)
  groundShadow(c, 16, 27, 12, 3)
  const parts = [inCircle(11, 19, 7), inCircle(21, 19, 7), inCircle(16, 15, 8), inCircle(16, 21, 7)]
  litBlob(c, (x, y) => parts.some((p) => p(x, y)), { x: 16, y: 17, r: 10 }, LEAVES, { seed: 9, grain: 0.8 })
  const r = rng(4)
  for (let i = 0; i < 5; i++) {
    const x = r.int(9, 22)
    const y = r.int(12, 22)
    c.set(x, y, hex('#c8334a'))
    c.set(x, y - 1, hex('#f0788a'))
  }
  c.outline(OUTLINE)
  return c
}

export function flowers(petal: Color): Canvas {
  const c = new Canvas(S, S)
  const r = rng(petal[0] * 7 + petal[1])
  const stem = hex('#2f6b2f')
  for (let i = 0; i < 9; i++) {
    const x = r.int(4, 27)
    const y = r.int(5, 25)
    c.line(x, y + 1, x, y + 4, stem)
    c.set(x - 1, y + 3, hex('#4f9a3c'))
    c.set(x + 1, y + 3, hex('#4f9a3c'))
    for (const [dx, dy] of [
      [0, -1],
      [-1, 0],
      [1, 0],
      [0, 1],
    ] as const)
      c.set(x + dx, y + dy, petal)
    c.set(x - 1, y - 1, shade(petal, -0.2))
    c.set(x, y, hex('#f7d54c'))
  }
  return c
}

export function rock(): Canvas {
  const c = new Canvas(S, S)
  groundShadow(c, 16, 26, 13, 3.5)
  const inside = (x: number, y: number) => {
    const nx = (x + 0.5 - 16) / 12
    const ny = (y + 0.5 - 18) / 9
    return nx * nx + ny * ny <= 1 && y >= 9
  }
  litBlob(c, inside, { x: 14, y: 15, r: 12 }, STONE, { seed: 12, grain: 0.4 })
  c.line(11, 16, 15, 19, STONE[0]!)
  c.line(15, 19, 15, 23, STONE[0]!)
  c.line(20, 13, 23, 16, STONE[1]!)
  c.outline(OUTLINE)
  return c
}

export function stump(): Canvas {
  const c = new Canvas(S, S)
  groundShadow(c, 16, 26, 11, 3)
  c.fill(8, 16, 23, 25, (x, y) => {
    const nx = (x + 0.5 - 16) / 8
    if (Math.abs(nx) > 1) return null
    if (y === 25 && Math.abs(nx) > 0.85) return null
    return nx < -0.5 ? BARK.light : nx > 0.5 ? BARK.dark : (x * 3 + y) % 7 === 0 ? BARK.dark : BARK.base
  })
  c.ellipse(16, 16, 8, 4, (nx, ny) => {
    const d = Math.sqrt(nx * nx + ny * ny)
    if (d > 0.8) return hex('#b48a58')
    return Math.floor(d * 8) % 2 === 0 ? hex('#d9b27a') : hex('#c49a64')
  })
  c.outline(OUTLINE)
  return c
}

export function tallGrass(): Canvas {
  const c = new Canvas(S, S)
  const r = rng(21)
  const greens = [hex('#2f6b2f'), hex('#4a9440'), hex('#6db452'), hex('#93cf67')]
  for (let i = 0; i < 22; i++) {
    const x = r.int(3, 28)
    const h = r.int(6, 12)
    const base = r.int(20, 30)
    const lean = r.int(-2, 2)
    for (let k = 0; k < h; k++) {
      const t = k / h
      c.set(x + Math.round(lean * t * t), base - k, greens[Math.min(3, Math.floor(t * 4))]!)
    }
  }
  return c
}

export function log(): Canvas {
  const c = new Canvas(S, S)
  groundShadow(c, 16, 24, 15, 3)
  c.fill(3, 13, 27, 23, (_x, y) =>
    y <= 14 ? BARK.light : y >= 21 ? BARK.dark : (y * 5) % 7 === 0 ? BARK.dark : BARK.base,
  )
  c.ellipse(27, 18, 3.5, 5.5, (nx, ny) =>
    Math.sqrt(nx * nx + ny * ny) > 0.7 ? hex('#b48a58') : hex('#d9b27a'),
  )
  c.set(27, 18, hex('#8c6a44'))
  c.set(10, 12, hex('#4f9a3c'))
  c.set(11, 12, hex('#6db452'))
  c.outline(OUTLINE)
  return c
}

export function reeds(): Canvas {
  const c = new Canvas(S, S)
  const r = rng(8)
  for (let i = 0; i < 8; i++) {
    const x = r.int(4, 27)
    const top = r.int(6, 14)
    const base = r.int(24, 30)
    c.line(x, base, x, top, hex('#4f8a3c'))
    c.line(x + 1, base, x + r.int(1, 3), top + 4, hex('#6aa64c'))
    if (r.next() < 0.7) c.rect(x, top - 4, 2, 5, hex('#7a4a2a'))
  }
  return c
}

export function mushrooms(cap: Color, glow = false): Canvas {
  const c = new Canvas(S, S)
  const spots: [number, number, number][] = [
    [10, 22, 4],
    [19, 18, 5],
    [23, 26, 3],
  ]
  for (const [x, y, r] of spots) {
    if (glow) c.ellipse(x, y - 1, r + 4, r + 3, withAlpha(cap, 50))
    c.rect(x - 1, y, 2, r + 1, hex('#efe6cf'))
    c.ellipse(x, y, r, r * 0.7, (nx, ny) =>
      ny < -0.3 && nx < 0 ? shade(cap, 0.35) : ny > 0.4 ? shade(cap, -0.3) : cap,
    )
    c.set(x - 1, y - 1, hex('#fff8e8'))
  }
  c.outline(OUTLINE)
  return c
}
