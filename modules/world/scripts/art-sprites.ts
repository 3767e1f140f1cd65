/** Characters and creatures: 4 facings × (idle + 2 walk frames), drawn from a few body specs. */
import { litBlob, OUTLINE } from './art-objects.ts'
import { Canvas, type Color, hex, shade, withAlpha } from './canvas.ts'

export const FACINGS = ['down', 'left', 'right', 'up'] as const
export type Facing = (typeof FACINGS)[number]
/** Frame 0 stands, frames 1 and 2 are the two steps of the walk. */
export const FRAMES = 3

export interface Humanoid {
  readonly skin: Color
  readonly hair: Color | null
  readonly hairStyle: 'short' | 'long' | 'bald'
  readonly shirt: Color
  readonly pants: Color
  readonly shoes: Color
  readonly eyes?: Color
  readonly helmet?: Color
  readonly hat?: Color
  readonly robe?: Color
  readonly apron?: Color
  readonly beard?: Color
  readonly pointyEars?: boolean
  readonly held?: 'spear' | 'staff' | 'dagger'
  /** Pixels the figure is shifted down (short folk). */
  readonly shorter?: number
}

const SHADOW = withAlpha(hex('#10140c'), 85)

/** Draws one humanoid frame into a 32×32 cell at (ox, oy). */
export function drawHumanoid(
  c: Canvas,
  ox: number,
  oy: number,
  h: Humanoid,
  facing: Facing,
  frame: number,
): void {
  const cell = new Canvas(32, 32)
  const side = facing === 'left' || facing === 'right'
  const step = frame === 0 ? 0 : frame === 1 ? 1 : -1
  const bob = frame === 0 ? 0 : 1
  const dy = (h.shorter ?? 0) + bob
  cell.ellipse(16, 29.5, 7, 2, SHADOW)

  // Legs (hidden under a robe).
  if (!h.robe) {
    if (side) {
      const front = 15 + step * 2
      const back = 16 - step * 2
      leg(cell, back, 24 + dy - bob, shade(h.pants, -0.25), shade(h.shoes, -0.2))
      leg(cell, front, 24 + dy - bob, h.pants, h.shoes)
    } else {
      leg(cell, 12, 24 + dy - bob - (step > 0 ? 1 : 0), h.pants, h.shoes)
      leg(cell, 17, 24 + dy - bob - (step < 0 ? 1 : 0), shade(h.pants, -0.15), h.shoes)
    }
  }
  // Torso.
  const bx0 = side ? 11 : 10
  const bx1 = side ? 20 : 21
  const bodyBottom = h.robe ? 28 : 24
  cell.fill(bx0, 16 + dy, bx1, bodyBottom + dy - (h.robe ? bob : 0), (x, y) => {
    const cloth = h.robe ?? h.shirt
    if (h.robe && y >= bodyBottom + dy - 1 - bob) return shade(cloth, -0.35)
    if (!h.robe && y === 23 + dy) return hex('#3a2a20')
    if (h.apron && !side && facing !== 'up' && x >= 12 && x <= 19 && y >= 18 + dy)
      return x === 12 ? shade(h.apron, 0.2) : h.apron
    if (h.apron && side && x >= 13 && x <= 19 && y >= 19 + dy) return h.apron
    if (h.helmet && (x + y) % 2 === 0 && !h.robe) return shade(cloth, -0.12)
    return x <= bx0 + 1 ? shade(cloth, 0.2) : x >= bx1 - 1 ? shade(cloth, -0.25) : cloth
  })
  // Arms swing against the legs.
  if (side) {
    const ax = facing === 'left' ? 14 + step * 2 : 17 - step * 2
    cell.rect(ax, 17 + dy, 3, 5, shade(h.robe ?? h.shirt, -0.1))
    cell.rect(ax, 22 + dy, 3, 2, h.skin)
  } else {
    cell.rect(8, 17 + dy + (step > 0 ? 1 : 0), 2, 5, shade(h.robe ?? h.shirt, 0.1))
    cell.rect(8, 22 + dy + (step > 0 ? 1 : 0), 2, 2, h.skin)
    cell.rect(22, 17 + dy + (step < 0 ? 1 : 0), 2, 5, shade(h.robe ?? h.shirt, -0.25))
    cell.rect(22, 22 + dy + (step < 0 ? 1 : 0), 2, 2, shade(h.skin, -0.15))
  }
  head(cell, h, facing, dy)
  held(cell, h, facing, dy, step)
  cell.outline(OUTLINE)
  c.draw(cell, ox, oy)
}

function leg(c: Canvas, x: number, top: number, pants: Color, shoes: Color): void {
  c.rect(x, top, 3, 4, pants)
  c.rect(x, top + 4, 3, 2, shoes)
  c.set(x, top + 4, shade(shoes, 0.3))
}

function head(c: Canvas, h: Humanoid, facing: Facing, dy: number): void {
  const cx = 16
  const cy = 10 + dy
  const skin = (x: number, y: number): Color =>
    x - cx + (y - cy) < -6 ? shade(h.skin, 0.15) : x > cx + 4 ? shade(h.skin, -0.15) : h.skin
  c.fill(9, 3 + dy, 22, 16 + dy, (x, y) =>
    ((x + 0.5 - cx) / 7) ** 2 + ((y + 0.5 - cy) / 6.6) ** 2 <= 1 ? skin(x, y) : null,
  )
  if (h.pointyEars) {
    const ear = shade(h.skin, -0.1)
    if (facing !== 'right')
      c.fill(5, 8 + dy, 9, 11 + dy, (x, y) => (y - (8 + dy) >= (9 - x) * 0.6 - 0.5 ? ear : null))
    if (facing !== 'left')
      c.fill(22, 8 + dy, 26, 11 + dy, (x, y) => (y - (8 + dy) >= (x - 22) * 0.6 - 0.5 ? ear : null))
  }
  const hair = h.hair
  if (hair && h.hairStyle !== 'bald') {
    const long = h.hairStyle === 'long'
    c.fill(8, 2 + dy, 23, (long ? 17 : 12) + dy, (x, y) => {
      const inHead = ((x + 0.5 - cx) / 7.5) ** 2 + ((y + 0.5 - cy + 0.5) / 7) ** 2 <= 1
      // Long hair falls to the shoulders: a rounded curtain below the head, behind it when seen from the back.
      const curtain =
        long && y > cy && y <= 16 + dy && Math.abs(x + 0.5 - cx) <= 7 - Math.max(0, y - 14 - dy) * 2
      const sideLock = long && y > cy && (x <= 9 || x >= 22) && facing !== 'up'
      if (!inHead && !sideLock && !(curtain && facing === 'up')) return null
      if (facing === 'up')
        return x % 3 === 0
          ? shade(hair, -0.18)
          : y === 3 + dy || (x === 12 && y < cy)
            ? shade(hair, 0.25)
            : hair
      const fringe =
        y <= cy - 2 + (facing === 'left' ? (x > 17 ? 3 : 0) : facing === 'right' ? (x < 15 ? 3 : 0) : 0)
      const sides = long ? x <= 10 || x >= 21 : facing === 'down' && (x <= 9 || x >= 22) && y <= cy + 1
      const back =
        facing === 'left' ? x >= 19 && y <= cy + 3 : facing === 'right' ? x <= 12 && y <= cy + 3 : false
      if (fringe || sides || back) return y === 3 + dy && x > 11 && x < 16 ? shade(hair, 0.35) : hair
      return null
    })
  }
  if (h.helmet) {
    c.fill(8, 1 + dy, 23, 9 + dy, (x, y) => {
      if (((x + 0.5 - cx) / 8) ** 2 + ((y + 0.5 - (cy - 1)) / 7.5) ** 2 > 1) return null
      return y === 9 + dy
        ? shade(h.helmet!, -0.35)
        : x < 13 && y < 6 + dy
          ? shade(h.helmet!, 0.35)
          : h.helmet!
    })
    if (facing === 'down') c.rect(15, 9 + dy, 2, 4, shade(h.helmet, -0.2))
  }
  if (h.hat) {
    c.rect(6, 6 + dy, 20, 2, shade(h.hat, -0.2))
    c.fill(10, 1 + dy, 21, 6 + dy, (x) => (x < 13 ? shade(h.hat!, 0.2) : h.hat!))
    c.rect(10, 5 + dy, 12, 1, hex('#c8374a'))
  }
  if (facing === 'up') return
  const eye = h.eyes ?? hex('#1e1a2a')
  const eyes = facing === 'down' ? [12, 18] : facing === 'left' ? [11] : [19]
  for (const x of eyes) {
    c.rect(x, 10 + dy, 2, 2, eye)
    c.set(x, 10 + dy, shade(eye, 0.6))
  }
  if (facing === 'down') c.rect(15, 14 + dy, 2, 1, shade(h.skin, -0.3))
  if (h.beard) {
    const bx = facing === 'down' ? [11, 20] : facing === 'left' ? [9, 15] : [16, 22]
    c.fill(bx[0]!, 13 + dy, bx[1]!, 20 + dy, (x, y) =>
      Math.abs(x + 0.5 - (bx[0]! + bx[1]! + 1) / 2) <= (bx[1]! - bx[0]!) / 2 - (y - 13 - dy) * 0.35
        ? h.beard!
        : null,
    )
  }
}

function held(c: Canvas, h: Humanoid, facing: Facing, dy: number, step: number): void {
  if (!h.held || facing === 'up') return
  const hx = facing === 'left' ? 13 + step * 2 : facing === 'right' ? 18 - step * 2 : 23
  const hy = 22 + dy
  if (h.held === 'spear') {
    c.rect(hx, hy - 20, 1, 26, hex('#6e4526'))
    c.fill(hx - 1, hy - 25, hx + 1, hy - 20, (x, y) =>
      Math.abs(x - hx) <= (y - (hy - 25)) / 3 ? hex('#d8dce4') : null,
    )
  } else if (h.held === 'staff') {
    c.rect(hx, hy - 16, 1, 22, hex('#7a4a26'))
    c.ellipse(hx + 0.5, hy - 17, 2.2, 2.2, hex('#7ad0ff'))
    c.set(hx, hy - 18, hex('#ffffff'))
  } else {
    c.rect(hx, hy - 5, 1, 5, hex('#c8ccd4'))
    c.rect(hx - 1, hy, 3, 1, hex('#6e4526'))
  }
}

/** A rat, 32×32: side profile for left/right, head-on and from behind for down/up. */
export function drawRat(c: Canvas, ox: number, oy: number, facing: Facing, frame: number): void {
  const cell = new Canvas(32, 32)
  const fur = [hex('#4a3e3a'), hex('#6a5a52'), hex('#8a786c'), hex('#a8968a')]
  const pink = hex('#e49aa0')
  const step = frame === 0 ? 0 : frame === 1 ? 1 : -1
  cell.ellipse(16, 27, 10, 2.5, SHADOW)
  if (facing === 'left' || facing === 'right') {
    cell.line(24, 22, 30, 19 + step, pink)
    cell.line(30, 19 + step, 31, 15 + step, pink)
    for (const [x, s] of [
      [10, step],
      [13, -step],
      [19, -step],
      [22, step],
    ] as const)
      cell.rect(x + s, 24, 2, 3, shade(fur[0]!, -0.1))
    litBlob(
      cell,
      (x, y) => ((x + 0.5 - 17) / 8.5) ** 2 + ((y + 0.5 - 20) / 5.5) ** 2 <= 1,
      { x: 16, y: 17, r: 9 },
      fur,
      { seed: 2, grain: 0.3 },
    )
    litBlob(
      cell,
      (x, y) =>
        ((x + 0.5 - 8) / 4.5) ** 2 + ((y + 0.5 - 20) / 3.5) ** 2 <= 1 ||
        (x >= 3 && x <= 6 && y >= 20 && y <= 22 && y - 20 >= (6 - x) * 0.5),
      { x: 7, y: 18, r: 5 },
      fur,
      { seed: 3, grain: 0.2 },
    )
    cell.ellipse(10.5, 16, 2, 2, pink)
    cell.set(7, 19, hex('#d02a2a'))
    cell.set(3, 21, hex('#2a1a1a'))
  } else {
    if (facing === 'up') {
      cell.line(16, 24, 16 + step * 2, 30, pink)
      litBlob(
        cell,
        (x, y) => ((x + 0.5 - 16) / 7) ** 2 + ((y + 0.5 - 18) / 8) ** 2 <= 1,
        { x: 14, y: 14, r: 9 },
        fur,
        { seed: 4, grain: 0.3 },
      )
      cell.ellipse(12, 10.5, 2, 2, pink)
      cell.ellipse(20, 10.5, 2, 2, pink)
    } else {
      litBlob(
        cell,
        (x, y) => ((x + 0.5 - 16) / 7) ** 2 + ((y + 0.5 - 16) / 6) ** 2 <= 1,
        { x: 14, y: 13, r: 8 },
        fur,
        { seed: 4, grain: 0.3 },
      )
      cell.rect(11 + step, 22, 2, 3, fur[0]!)
      cell.rect(19 - step, 22, 2, 3, fur[0]!)
      litBlob(
        cell,
        (x, y) => ((x + 0.5 - 16) / 5) ** 2 + ((y + 0.5 - 20) / 4.5) ** 2 <= 1,
        { x: 15, y: 18, r: 5 },
        fur,
        { seed: 5, grain: 0.2 },
      )
      cell.ellipse(11, 15, 2.2, 2.2, pink)
      cell.ellipse(21, 15, 2.2, 2.2, pink)
      cell.set(14, 19, hex('#d02a2a'))
      cell.set(18, 19, hex('#d02a2a'))
      cell.rect(15, 23, 2, 1, hex('#2a1a1a'))
    }
  }
  cell.outline(OUTLINE)
  c.draw(cell, ox, oy, { flipX: facing === 'right' })
}

/** A bear, 64×64 (a 2×2-tile creature). */
export function drawBear(c: Canvas, ox: number, oy: number, facing: Facing, frame: number): void {
  const cell = new Canvas(64, 64)
  const fur = [hex('#2e1e16'), hex('#4a3022'), hex('#6b4a30'), hex('#8a6440'), hex('#a88058')]
  const muzzle = hex('#c8a07a')
  const step = frame === 0 ? 0 : frame === 1 ? 1 : -1
  cell.ellipse(32, 56, 22, 5, SHADOW)
  const blob = (cx: number, cy: number, rx: number, ry: number, seed: number) =>
    litBlob(
      cell,
      (x, y) => ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1,
      { x: cx - rx * 0.3, y: cy - ry * 0.4, r: Math.max(rx, ry) },
      fur,
      {
        seed,
        grain: 0.35,
      },
    )
  if (facing === 'left' || facing === 'right') {
    for (const [x, s] of [
      [14, step],
      [22, -step],
      [38, -step],
      [46, step],
    ] as const) {
      cell.rect(x + s * 2, 44, 7, 12, x === 22 || x === 46 ? fur[1]! : fur[2]!)
      cell.rect(x + s * 2, 54, 7, 2, fur[0]!)
    }
    blob(34, 36, 21, 13, 7)
    blob(14, 32, 10, 9, 8)
    cell.ellipse(7, 35, 5, 4, muzzle)
    cell.rect(3, 33, 3, 2, hex('#1a1010'))
    blob(17, 23, 3.5, 3.5, 9)
    cell.rect(11, 29, 2, 2, hex('#120a08'))
  } else if (facing === 'down') {
    blob(32, 34, 20, 15, 7)
    for (const [x, s] of [
      [18, step],
      [39, -step],
    ] as const) {
      cell.rect(x, 44 - s, 8, 12 + s, fur[2]!)
      cell.rect(x, 54, 8, 2, fur[0]!)
    }
    blob(32, 36, 12, 11, 8)
    blob(22, 26, 4, 4, 9)
    blob(42, 26, 4, 4, 10)
    cell.ellipse(32, 41, 6, 4.5, muzzle)
    cell.rect(30, 38, 4, 3, hex('#1a1010'))
    cell.rect(26, 33, 2, 2, hex('#120a08'))
    cell.rect(36, 33, 2, 2, hex('#120a08'))
  } else {
    for (const [x, s] of [
      [18, step],
      [39, -step],
    ] as const) {
      cell.rect(x, 44 + s, 8, 11 - s, fur[1]!)
      cell.rect(x, 53, 8, 2, fur[0]!)
    }
    blob(32, 36, 20, 16, 11)
    blob(32, 23, 10, 8, 12)
    blob(24, 16, 3.5, 3.5, 9)
    blob(40, 16, 3.5, 3.5, 10)
    cell.ellipse(32, 50, 3, 2, fur[3]!)
  }
  cell.outline(OUTLINE)
  const flip = facing === 'right'
  c.draw(cell, ox, oy, { flipX: flip })
}
