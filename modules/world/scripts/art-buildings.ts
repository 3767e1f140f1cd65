/** Houses, walls and town props. Roof and wall tiles are laid out 3×3 / 1×3 so houses of any size can be built. */
import { grassTexture, paint, S } from './art-ground.ts'
import { OUTLINE } from './art-objects.ts'
import { Canvas, type Color, hex, mix, rng, shade, withAlpha, wrapNoise } from './canvas.ts'

const ROOF = {
  dark: hex('#6e2a22'),
  base: hex('#a8452f'),
  light: hex('#cc6a44'),
  hi: hex('#e69a6a'),
  under: hex('#3e1c1a'),
}
const WOOD = { dark: hex('#4c2f1b'), base: hex('#6e4526'), light: hex('#94643a'), hi: hex('#b98452') }
const PLASTER = { base: hex('#eadcb6'), dark: hex('#cdbb92'), light: hex('#f6ecd0') }
const STONE = {
  joint: hex('#4a4550'),
  dark: hex('#6c6672'),
  base: hex('#8a8490'),
  light: hex('#aaa4ae'),
  hi: hex('#c8c3cb'),
}

/** One roof piece: `row` is top (ridge), middle or bottom (eave); `col` left (verge), middle or right. */
export function roof(row: 't' | 'm' | 'b', col: 'l' | 'm' | 'r'): Canvas {
  const c = new Canvas(S, S)
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const band = Math.floor(y / 4)
      const sx = (x + (band % 2) * 4) % 8
      const sy = y % 4
      let col2 = ROOF.base
      if (sy === 3) col2 = ROOF.dark
      else if (sy === 0) col2 = ROOF.light
      else if (sx === 7) col2 = shade(ROOF.base, -0.25)
      else if (sx === 0 && sy === 1) col2 = ROOF.hi
      // Rows further down the slope catch a little less light.
      c.put(x, y, mix(col2, ROOF.dark, row === 't' ? 0 : row === 'm' ? 0.08 : 0.16))
    }
  }
  if (row === 't') {
    c.rect(0, 0, S, 5, ROOF.dark)
    c.rect(0, 1, S, 2, ROOF.base)
    c.rect(0, 1, S, 1, ROOF.hi)
    c.rect(0, 5, S, 1, ROOF.under)
  }
  if (row === 'b') {
    c.rect(0, 26, S, 1, ROOF.hi)
    c.rect(0, 27, S, 3, ROOF.dark)
    c.rect(0, 30, S, 2, ROOF.under)
  }
  const verge = (x: number, inner: number) => {
    for (let y = 0; y < S; y++) {
      c.put(x, y, OUTLINE)
      c.put(inner, y, WOOD.light)
      c.put(inner + (inner > x ? 1 : -1), y, WOOD.base)
    }
  }
  if (col === 'l') verge(0, 1)
  if (col === 'r') verge(31, 30)
  return c
}

/** Plaster wall with a timber frame and a stone plinth; `side` adds the corner post. */
export function wall(side: 'l' | 'm' | 'r', feature: 'none' | 'window' | 'door' = 'none'): Canvas {
  const c = new Canvas(S, S)
  const noise = wrapNoise(44, S, 6)
  c.fill(0, 0, 31, 31, (x, y) => {
    const n = noise(x, y)
    return n < 0.3 ? PLASTER.dark : n > 0.75 ? PLASTER.light : PLASTER.base
  })
  c.rect(0, 0, S, 3, WOOD.dark)
  c.rect(0, 3, S, 2, withAlpha(hex('#2a1a10'), 90))
  c.rect(0, 14, S, 2, WOOD.base)
  c.rect(0, 14, S, 1, WOOD.light)
  // Plinth: two courses of stone.
  c.rect(0, 25, S, 7, STONE.joint)
  for (let row = 0; row < 2; row++) {
    for (let k = -1; k < 5; k++) {
      const x0 = k * 8 + (row ? 4 : 0) + 1
      c.rect(x0, 26 + row * 3, 6, 2, STONE.base)
      c.rect(x0, 26 + row * 3, 6, 1, STONE.light)
    }
  }
  if (side === 'l') {
    c.rect(0, 0, 4, 25, WOOD.base)
    c.rect(0, 0, 1, 25, OUTLINE)
    c.rect(1, 0, 1, 25, WOOD.light)
  }
  if (side === 'r') {
    c.rect(28, 0, 4, 25, WOOD.base)
    c.rect(31, 0, 1, 25, OUTLINE)
    c.rect(28, 0, 1, 25, WOOD.dark)
  }
  if (feature === 'window') {
    c.rect(8, 6, 16, 14, WOOD.dark)
    c.fill(10, 8, 21, 17, (x, y) =>
      (x - y + 40) % 9 < 2 ? hex('#cfe8f6') : y < 12 ? hex('#7fb4d8') : hex('#5a8fb8'),
    )
    c.rect(15, 8, 2, 10, WOOD.dark)
    c.rect(10, 12, 12, 1, WOOD.dark)
    c.rect(7, 19, 18, 2, WOOD.light)
    for (const x of [9, 13, 18, 22]) c.set(x, 18, hex('#e8697a'))
    c.rect(4, 6, 4, 14, hex('#3f6d8a'))
    c.rect(24, 6, 4, 14, hex('#3f6d8a'))
    c.rect(4, 6, 1, 14, hex('#5f8fae'))
  }
  if (feature === 'door') {
    c.rect(8, 5, 16, 27, WOOD.dark)
    c.fill(10, 7, 21, 31, (x, y) => {
      if (y < 10 && Math.abs(x + 0.5 - 16) > 6 - (10 - y)) return null
      return x % 4 === 1 ? WOOD.dark : x % 4 === 2 ? WOOD.light : WOOD.base
    })
    c.rect(10, 13, 12, 1, hex('#3a3a42'))
    c.rect(10, 24, 12, 1, hex('#3a3a42'))
    c.rect(18, 18, 2, 2, hex('#e2c25a'))
    c.rect(10, 31, 12, 1, withAlpha(hex('#1a1010'), 160))
  }
  return c
}

/** A dressed-stone wall face (the town wall seen from the front). */
export function stoneWall(): Canvas {
  const c = new Canvas(S, S)
  c.rect(0, 0, S, S, STONE.joint)
  const r = rng(61)
  for (let row = 0; row < 5; row++) {
    const h = row === 4 ? 4 : 6
    for (let k = -1; k < 4; k++) {
      const x0 = k * 10 + (row % 2 ? 5 : 0) + 1
      const y0 = row * 7 + 1
      const base = r.next() < 0.3 ? STONE.dark : r.next() < 0.5 ? STONE.light : STONE.base
      c.rect(x0, y0, 9, h, base)
      c.rect(x0, y0, 9, 1, shade(base, 0.3))
      c.rect(x0 + 8, y0, 1, h, shade(base, -0.3))
    }
  }
  c.rect(0, 0, S, 2, STONE.hi)
  return c
}

/** The top of the town wall, seen from above (for walls running north–south). */
export function stoneWallTop(): Canvas {
  const c = new Canvas(S, S)
  c.rect(0, 0, S, S, STONE.joint)
  for (let row = 0; row < 4; row++) {
    for (let k = 0; k < 3; k++) {
      const y0 = row * 8 + 1
      const x0 = k * 11 + (row % 2 ? 0 : 5) - 5
      c.rect(x0, y0, 10, 6, STONE.light)
      c.rect(x0, y0, 10, 1, STONE.hi)
      c.rect(x0, y0 + 5, 10, 1, STONE.base)
    }
  }
  c.rect(0, 0, 2, S, STONE.dark)
  c.rect(30, 0, 2, S, STONE.dark)
  return c
}

export function fence(vertical: boolean): Canvas {
  const c = new Canvas(S, S)
  const post = (x: number, y: number, h: number) => {
    c.rect(x, y, 4, h, WOOD.base)
    c.rect(x, y, 1, h, WOOD.light)
    c.rect(x + 3, y, 1, h, WOOD.dark)
    c.rect(x, y, 4, 1, WOOD.hi)
  }
  if (vertical) {
    c.rect(15, 0, 2, S, WOOD.base)
    c.rect(15, 0, 1, S, WOOD.light)
    post(14, 4, 14)
    post(14, 20, 12)
  } else {
    for (const y of [13, 20]) {
      c.rect(0, y, S, 3, WOOD.base)
      c.rect(0, y, S, 1, WOOD.light)
      c.rect(0, y + 2, S, 1, WOOD.dark)
    }
    post(3, 9, 18)
    post(25, 9, 18)
  }
  c.outline(OUTLINE)
  return c
}

export function sign(): Canvas {
  const c = new Canvas(S, S)
  c.ellipse(16, 29, 6, 1.5, withAlpha(hex('#10140c'), 80))
  c.rect(15, 15, 3, 14, WOOD.base)
  c.rect(15, 15, 1, 14, WOOD.light)
  c.rect(6, 6, 20, 12, WOOD.base)
  c.rect(6, 6, 20, 1, WOOD.hi)
  c.rect(6, 17, 20, 1, WOOD.dark)
  for (const [y, w] of [
    [9, 13],
    [12, 9],
    [14, 11],
  ] as const)
    c.rect(9, y, w, 1, WOOD.dark)
  c.outline(OUTLINE)
  return c
}

export function well(): Canvas {
  const c = new Canvas(S, S)
  c.ellipse(16, 27, 13, 3, withAlpha(hex('#10140c'), 80))
  c.rect(5, 3, 3, 18, WOOD.base)
  c.rect(24, 3, 3, 18, WOOD.base)
  c.ellipse(16, 20, 12, 7, (_nx, ny) => (ny < -0.3 ? STONE.light : ny > 0.5 ? STONE.dark : STONE.base))
  c.fill(4, 20, 27, 26, (x, y) => {
    const nx = (x + 0.5 - 16) / 12
    if (Math.abs(nx) > 1) return null
    return (x + (y % 2) * 3) % 6 === 0 || y === 23 ? STONE.joint : y > 23 ? STONE.dark : STONE.base
  })
  c.ellipse(16, 19, 8, 4, (_nx, ny) => (ny < -0.2 ? hex('#1c2838') : hex('#2e5f9e')))
  c.rect(4, 2, 24, 3, WOOD.dark)
  c.rect(4, 2, 24, 1, WOOD.light)
  c.rect(15, 5, 2, 7, hex('#8a8078'))
  c.rect(14, 12, 4, 3, WOOD.light)
  c.outline(OUTLINE)
  return c
}

export function barrel(): Canvas {
  const c = new Canvas(S, S)
  c.ellipse(16, 28, 8, 2, withAlpha(hex('#10140c'), 80))
  c.fill(9, 9, 22, 28, (x, y) => {
    const nx = (x + 0.5 - 16) / 7
    const bulge = 1 - 0.12 * ((y - 18.5) / 10) ** 2
    if (Math.abs(nx) > bulge) return null
    if (y === 12 || y === 13 || y === 24 || y === 25) return y % 2 ? hex('#3a3a42') : hex('#6a6a76')
    return nx < -0.5 ? WOOD.light : nx > 0.5 ? WOOD.dark : x % 3 === 0 ? WOOD.dark : WOOD.base
  })
  c.ellipse(16, 9, 7, 2.5, (_nx, ny) => (ny < 0 ? WOOD.hi : WOOD.light))
  c.outline(OUTLINE)
  return c
}

export function crate(): Canvas {
  const c = new Canvas(S, S)
  c.rect(7, 27, 20, 2, withAlpha(hex('#10140c'), 80))
  c.rect(7, 13, 18, 14, WOOD.base)
  c.rect(7, 8, 18, 5, WOOD.light)
  c.rect(7, 8, 18, 1, WOOD.hi)
  for (const y of [16, 20, 24]) c.rect(8, y, 16, 1, WOOD.dark)
  c.line(8, 14, 23, 26, WOOD.dark)
  c.rect(7, 13, 1, 14, WOOD.hi)
  c.rect(24, 13, 1, 14, WOOD.dark)
  c.outline(OUTLINE)
  return c
}

export function lamp(): Canvas {
  const c = new Canvas(S, S)
  c.ellipse(16, 11, 11, 10, withAlpha(hex('#ffd36a'), 40))
  c.ellipse(16, 29, 5, 1.5, withAlpha(hex('#10140c'), 80))
  c.rect(15, 12, 2, 17, hex('#2e2c34'))
  c.rect(13, 27, 6, 2, hex('#2e2c34'))
  c.rect(12, 4, 8, 9, hex('#2e2c34'))
  c.rect(13, 5, 6, 7, hex('#ffd86a'))
  c.rect(14, 6, 2, 3, hex('#fff4c8'))
  c.rect(11, 3, 10, 2, hex('#4a4652'))
  c.outline(OUTLINE, 0, 0, S, S, 200)
  return c
}

/** A market stall: striped awning over a counter of goods. */
export function stall(): Canvas {
  const c = new Canvas(S, S)
  c.rect(3, 18, 26, 10, WOOD.base)
  c.rect(3, 18, 26, 2, WOOD.light)
  const goods: Color[] = [hex('#d94a3a'), hex('#f2c14a'), hex('#7fbf4a'), hex('#e8873a')]
  for (let i = 0; i < 6; i++) c.ellipse(6 + i * 4, 17, 2, 2, goods[i % goods.length]!)
  c.rect(4, 6, 2, 22, WOOD.dark)
  c.rect(26, 6, 2, 22, WOOD.dark)
  c.fill(1, 2, 30, 11, (x, y) => {
    const stripe = Math.floor((x - 1) / 5) % 2 === 0
    const base = stripe ? hex('#c8374a') : hex('#f4ece0')
    return y === 11 ? shade(base, -0.3) : y < 4 ? shade(base, 0.15) : base
  })
  for (let x = 1; x <= 30; x += 5)
    c.ellipse(x + 2, 12, 2.5, 1.5, Math.floor((x - 1) / 5) % 2 === 0 ? hex('#a82a3c') : hex('#d8cfc2'))
  c.outline(OUTLINE)
  return c
}

export function hay(): Canvas {
  const c = new Canvas(S, S)
  c.ellipse(16, 27, 12, 2.5, withAlpha(hex('#10140c'), 80))
  const straw = [hex('#9a7a2a'), hex('#c9a23c'), hex('#e3c25a'), hex('#f4dc86')]
  c.fill(4, 10, 27, 27, (x, y) => {
    const v = (y < 13 ? 3 : y > 23 ? 0 : 2) - (x > 23 ? 1 : 0) + ((x * 7 + y * 3) % 5 === 0 ? -1 : 0)
    return straw[Math.max(0, Math.min(3, v))]!
  })
  c.rect(4, 15, 24, 1, hex('#7a5a1a'))
  c.rect(4, 22, 24, 1, hex('#7a5a1a'))
  c.outline(OUTLINE)
  return c
}

/** The marker drawn on hidden collision layers in the editor. */
export function collisionMarker(): Canvas {
  const c = new Canvas(S, S)
  c.rect(0, 0, S, S, withAlpha(hex('#e0303a'), 70))
  for (let i = 2; i < 30; i++) {
    c.set(i, i, hex('#e0303a'))
    c.set(31 - i, i, hex('#e0303a'))
  }
  c.rect(0, 0, S, 1, hex('#e0303a'))
  c.rect(0, 31, S, 1, hex('#e0303a'))
  c.rect(0, 0, 1, S, hex('#e0303a'))
  c.rect(31, 0, 1, S, hex('#e0303a'))
  return c
}

/** A rocky mound with a dark opening: the way into the cave. */
export function caveEntrance(): Canvas {
  const c = new Canvas(S, S)
  const rocks = [hex('#3e3a44'), hex('#5c5762'), hex('#7a7580'), hex('#98939e')]
  c.fill(0, 2, 31, 31, (x, y) => {
    const nx = (x + 0.5 - 16) / 16
    const ny = (y + 0.5 - 20) / 18
    if (nx * nx + ny * ny > 1) return null
    const v = 2 - nx - ny * 1.4 + ((x * 5 + y * 3) % 7 === 0 ? -0.6 : 0)
    return rocks[Math.max(0, Math.min(3, Math.floor(v)))]!
  })
  c.fill(8, 12, 23, 31, (x, y) => {
    const nx = (x + 0.5 - 16) / 8
    const ny = (y + 0.5 - 31) / 19
    if (nx * nx + ny * ny > 1) return null
    return ny < -0.75 ? hex('#2a2430') : hex('#120e16')
  })
  c.outline(OUTLINE)
  return c
}

const CLIFF = [hex('#3a3540'), hex('#56505c'), hex('#736c78'), hex('#918a96'), hex('#b2acb6')]

/** A rock face: the front of the hill the cave is dug into. */
export function cliff(): Canvas {
  const noise = wrapNoise(71, S, 4)
  const c = new Canvas(S, S)
  c.fill(0, 0, 31, 31, (x, y) => {
    const n = noise(x, y)
    const band = Math.floor((y + (x % 11 === 0 ? 2 : 0)) / 8)
    const base = CLIFF[Math.max(0, 3 - band)]!
    if (y % 8 === 7) return CLIFF[0]!
    if (y % 8 === 0) return shade(base, 0.2)
    return n > 0.7 ? shade(base, 0.12) : n < 0.3 ? shade(base, -0.12) : base
  })
  const r = rng(72)
  for (let i = 0; i < 5; i++) {
    const x = r.int(1, 30)
    const y0 = r.int(1, 20)
    c.line(x, y0, x + r.int(-2, 2), y0 + r.int(4, 9), CLIFF[0]!)
  }
  c.rect(0, 0, S, 2, hex('#4f9a3c'))
  c.rect(0, 2, S, 1, hex('#2f6b2f'))
  c.rect(0, 30, S, 2, withAlpha(hex('#10140c'), 120))
  return c
}

/** The rocky, grassy top of the hill (not walkable: it is above the cliff). Grass like the lowland, with stones. */
export function cliffTop(variant: number): Canvas {
  const c = paint(grassTexture(2))
  const r = rng(74 + variant * 13)
  for (let i = 0; i < 2 + variant; i++) {
    const x = r.int(5, 26)
    const y = r.int(5, 26)
    const rx = r.int(2, 4)
    c.ellipse(x, y + 1, rx + 0.5, rx * 0.6 + 0.5, withAlpha(hex('#10140c'), 70))
    c.ellipse(x, y, rx, rx * 0.7, (nx, ny) =>
      nx + ny < -0.5 ? CLIFF[4]! : nx + ny > 0.5 ? CLIFF[1]! : CLIFF[3]!,
    )
  }
  return c
}

/** The cave mouth cut into the cliff face. */
export function cliffCave(): Canvas {
  const c = cliff()
  c.fill(6, 6, 25, 31, (x, y) => {
    const nx = (x + 0.5 - 16) / 10
    const ny = (y + 0.5 - 31) / 25
    if (nx * nx + ny * ny > 1) return null
    if (nx * nx + ny * ny > 0.8) return CLIFF[0]!
    return y < 14 ? hex('#1a1420') : hex('#0c0a10')
  })
  c.rect(9, 30, 14, 2, hex('#6a5a4a'))
  return c
}

export function campfire(): Canvas {
  const c = new Canvas(S, S)
  c.ellipse(16, 18, 14, 12, withAlpha(hex('#ffb84a'), 45))
  for (let i = 0; i < 8; i++) {
    const a = (i / 8) * Math.PI * 2
    c.ellipse(16 + Math.cos(a) * 9, 23 + Math.sin(a) * 4, 2.5, 2, hex('#8a8490'))
  }
  c.line(10, 25, 22, 21, WOOD.base)
  c.line(10, 21, 22, 25, WOOD.dark)
  c.ellipse(16, 19, 4.5, 7, hex('#e8602a'))
  c.ellipse(16, 21, 3, 4.5, hex('#ffb84a'))
  c.ellipse(16, 22, 1.5, 2.5, hex('#fff0b0'))
  c.outline(OUTLINE, 0, 0, S, S, 200)
  return c
}

/** A goblin tent: patched hide over two poles. */
export function tent(): Canvas {
  const c = new Canvas(S, S)
  c.ellipse(16, 28, 14, 3, withAlpha(hex('#10140c'), 80))
  const hide = [hex('#5a4030'), hex('#7a5a3e'), hex('#9a7a52'), hex('#b8976a')]
  c.fill(1, 4, 30, 28, (x, y) => {
    const half = ((y - 4) / 24) * 14.5
    const dx = x + 0.5 - 16
    if (Math.abs(dx) > half) return null
    if (Math.abs(dx) < ((y - 12) / 16) * 4 && y > 14) return hex('#1e1410')
    const v = dx < 0 ? 3 - Math.floor((-dx / (half + 1)) * 2) : 1 - Math.floor((dx / (half + 1)) * 1.5)
    return (x * 3 + y * 7) % 13 === 0 ? hide[0]! : hide[Math.max(0, Math.min(3, v))]!
  })
  c.rect(15, 1, 2, 5, WOOD.dark)
  c.outline(OUTLINE)
  return c
}
