/** A tiny RGBA pixel canvas for drawing Tavern's procedural pixel art. */

export type Color = readonly [number, number, number, number]

/** "#rrggbb" or "#rrggbbaa" → colour. */
export function hex(s: string): Color {
  const v = s.replace('#', '')
  const n = (i: number) => Number.parseInt(v.slice(i, i + 2), 16)
  return [n(0), n(2), n(4), v.length >= 8 ? n(6) : 255]
}

/** Mixes two colours; t = 0 gives a, 1 gives b. */
export function mix(a: Color, b: Color, t: number): Color {
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
    Math.round(a[3] + (b[3] - a[3]) * t),
  ]
}

/** Lighter (amount > 0) or darker (< 0) version of a colour, with a slight hue shift like hand-picked ramps. */
export function shade(c: Color, amount: number): Color {
  if (amount >= 0) return mix(c, [255, 246, 214, c[3]], amount)
  return mix(c, [24, 16, 40, c[3]], -amount)
}

export function withAlpha(c: Color, a: number): Color {
  return [c[0], c[1], c[2], a]
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): {
  next(): number
  int(min: number, max: number): number
  pick<T>(xs: readonly T[]): T
} {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
  }
}

/** Smooth value noise that wraps every `period` pixels, so textures tile seamlessly. */
export function wrapNoise(seed: number, period: number, cells: number): (x: number, y: number) => number {
  const r = rng(seed)
  const grid = Array.from({ length: cells * cells }, () => r.next())
  const at = (i: number, j: number) =>
    grid[(((j % cells) + cells) % cells) * cells + (((i % cells) + cells) % cells)]!
  const smooth = (t: number) => t * t * (3 - 2 * t)
  return (x, y) => {
    const fx = (x / period) * cells
    const fy = (y / period) * cells
    const i = Math.floor(fx)
    const j = Math.floor(fy)
    const tx = smooth(fx - i)
    const ty = smooth(fy - j)
    const top = at(i, j) + (at(i + 1, j) - at(i, j)) * tx
    const bottom = at(i, j + 1) + (at(i + 1, j + 1) - at(i, j + 1)) * tx
    return top + (bottom - top) * ty
  }
}

export class Canvas {
  readonly data: Uint8Array
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 4)
  }

  inside(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x < this.width && y < this.height
  }

  get(x: number, y: number): Color {
    if (!this.inside(x, y)) return [0, 0, 0, 0]
    const i = (y * this.width + x) * 4
    return [this.data[i]!, this.data[i + 1]!, this.data[i + 2]!, this.data[i + 3]!]
  }

  /** Paints a pixel, blending by the colour's alpha over what is there. */
  set(x: number, y: number, c: Color): void {
    x = Math.round(x)
    y = Math.round(y)
    if (!this.inside(x, y) || c[3] === 0) return
    const i = (y * this.width + x) * 4
    const a = c[3] / 255
    if (a >= 1) {
      this.data.set(c, i)
      return
    }
    const da = this.data[i + 3]! / 255
    const oa = a + da * (1 - a)
    for (let k = 0; k < 3; k++)
      this.data[i + k] = Math.round((c[k]! * a + this.data[i + k]! * da * (1 - a)) / (oa || 1))
    this.data[i + 3] = Math.round(oa * 255)
  }

  /** Replaces a pixel outright (alpha included). */
  put(x: number, y: number, c: Color): void {
    if (this.inside(x, y)) this.data.set(c, (y * this.width + x) * 4)
  }

  rect(x: number, y: number, w: number, h: number, c: Color): void {
    for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) this.set(i, j, c)
  }

  line(x0: number, y0: number, x1: number, y1: number, c: Color): void {
    x0 = Math.round(x0)
    y0 = Math.round(y0)
    x1 = Math.round(x1)
    y1 = Math.round(y1)
    const dx = Math.abs(x1 - x0)
    const dy = -Math.abs(y1 - y0)
    const sx = x0 < x1 ? 1 : -1
    const sy = y0 < y1 ? 1 : -1
    let err = dx + dy
    for (;;) {
      this.set(x0, y0, c)
      if (x0 === x1 && y0 === y1) return
      const e2 = 2 * err
      if (e2 >= dy) {
        err += dy
        x0 += sx
      }
      if (e2 <= dx) {
        err += dx
        y0 += sy
      }
    }
  }

  /** Fills an ellipse, colouring each pixel with `paint(nx, ny)` where (nx, ny) is its position in [-1, 1]². */
  ellipse(
    cx: number,
    cy: number,
    rx: number,
    ry: number,
    paint: Color | ((nx: number, ny: number) => Color | null),
  ): void {
    for (let y = Math.floor(cy - ry); y <= Math.ceil(cy + ry); y++) {
      for (let x = Math.floor(cx - rx); x <= Math.ceil(cx + rx); x++) {
        const nx = (x + 0.5 - cx) / rx
        const ny = (y + 0.5 - cy) / ry
        if (nx * nx + ny * ny > 1) continue
        const c = typeof paint === 'function' ? paint(nx, ny) : paint
        if (c) this.set(x, y, c)
      }
    }
  }

  /** Fills any shape given as a predicate over pixel centres. */
  fill(x0: number, y0: number, x1: number, y1: number, paint: (x: number, y: number) => Color | null): void {
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const c = paint(x, y)
        if (c) this.set(x, y, c)
      }
    }
  }

  /** Draws a dark outline around every opaque region of a rectangle (pixels that touch transparency). */
  outline(c: Color, x0 = 0, y0 = 0, w = this.width, h = this.height, threshold = 128): void {
    const solid = (x: number, y: number) =>
      x >= x0 && y >= y0 && x < x0 + w && y < y0 + h && this.get(x, y)[3] >= threshold
    const marks: [number, number][] = []
    for (let y = y0; y < y0 + h; y++) {
      for (let x = x0; x < x0 + w; x++) {
        if (solid(x, y)) continue
        if (solid(x - 1, y) || solid(x + 1, y) || solid(x, y - 1) || solid(x, y + 1)) marks.push([x, y])
      }
    }
    for (const [x, y] of marks) this.put(x, y, c)
  }

  /** Copies another canvas in (blending). */
  draw(src: Canvas, dx: number, dy: number, opts: { flipX?: boolean } = {}): void {
    for (let y = 0; y < src.height; y++) {
      for (let x = 0; x < src.width; x++)
        this.set(dx + (opts.flipX ? src.width - 1 - x : x), dy + y, src.get(x, y))
    }
  }

  /** Nearest-neighbour enlargement, for previews. */
  scaled(k: number): Canvas {
    const out = new Canvas(this.width * k, this.height * k)
    for (let y = 0; y < out.height; y++) {
      for (let x = 0; x < out.width; x++) out.put(x, y, this.get(Math.floor(x / k), Math.floor(y / k)))
    }
    return out
  }
}
