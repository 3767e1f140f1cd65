/** Cave tiles: earthen floor, dark rock with a lit face, ore veins and cave props. */
import { dirtTexture, paint, S, WATER } from './art-ground.ts'
import { litBlob, mushrooms, OUTLINE } from './art-objects.ts'
import { Canvas, type Color, hex, mix, rng, shade, withAlpha, wrapNoise } from './canvas.ts'

const FLOOR = { dark: hex('#3a302e'), base: hex('#4e4340'), light: hex('#62554e'), hi: hex('#7a6a60') }
const ROCK = [hex('#2b2430'), hex('#3f3644'), hex('#574c5a'), hex('#726676'), hex('#8f8392')]

export function caveFloor(seed: number): Canvas {
  return paint(dirtTexture(seed, FLOOR, 6 + (seed % 5)))
}

/** Solid rock seen from above: the mass between tunnels. */
export function caveRock(): Canvas {
  const noise = wrapNoise(91, S, 4)
  const c = paint((x, y) => {
    const n = noise(x, y)
    return n < 0.35 ? hex('#17121a') : n > 0.7 ? hex('#2a2230') : hex('#201a24')
  })
  const r = rng(92)
  for (let i = 0; i < 5; i++) {
    let x = r.int(0, 31)
    let y = r.int(0, 31)
    for (let k = 0; k < 6; k++) {
      c.set(x, y, hex('#342a3a'))
      x += r.int(-1, 1)
      y += 1
    }
  }
  return c
}

/** The lit face of a rock wall, used where a tunnel floor lies below it. */
export function caveFace(): Canvas {
  const noise = wrapNoise(93, S, 5)
  const c = paint((x, y) => {
    const t = y / S
    const n = noise(x, y)
    const base = mix(ROCK[3]!, ROCK[1]!, t)
    if (y < 2) return ROCK[4]!
    if (y > 29) return ROCK[0]!
    if (y % 8 === 7) return shade(base, -0.3)
    return n > 0.68 ? shade(base, 0.15) : n < 0.3 ? shade(base, -0.15) : base
  })
  const r = rng(94)
  for (let i = 0; i < 4; i++) {
    let x = r.int(2, 29)
    for (let y = r.int(3, 12); y < 28 && y > 0; y += 1) {
      c.set(x, y, ROCK[0]!)
      if (r.next() < 0.3) x += r.int(-1, 1)
      if (r.next() < 0.12) break
    }
  }
  return c
}

export function caveTorch(): Canvas {
  const c = caveFace()
  c.ellipse(16, 10, 13, 11, withAlpha(hex('#ffb84a'), 55))
  c.rect(15, 12, 3, 10, hex('#5e3d22'))
  c.rect(13, 20, 7, 2, hex('#3a3a42'))
  c.ellipse(16.5, 9, 3, 5, hex('#f07a2a'))
  c.ellipse(16.5, 10, 2, 3, hex('#ffd36a'))
  c.set(16, 8, hex('#fff4c8'))
  return c
}

/** A boulder with veins of ore in `ore` colours. */
export function oreRock(ore: readonly [Color, Color]): Canvas {
  const c = new Canvas(S, S)
  c.ellipse(16, 27, 13, 3, withAlpha(hex('#000000'), 90))
  const inside = (x: number, y: number) => ((x + 0.5 - 16) / 13) ** 2 + ((y + 0.5 - 18) / 10) ** 2 <= 1
  litBlob(c, inside, { x: 14, y: 15, r: 12 }, ROCK.slice(1), { seed: 31, grain: 0.4 })
  const r = rng(ore[0][0] + ore[0][1] * 3)
  for (let i = 0; i < 7; i++) {
    const x = r.int(8, 23)
    const y = r.int(12, 24)
    if (!inside(x, y) || !inside(x + 1, y + 1)) continue
    c.set(x, y, ore[1])
    c.set(x + 1, y, ore[0])
    c.set(x, y + 1, ore[0])
    c.set(x + 1, y + 1, shade(ore[0], -0.3))
  }
  c.outline(OUTLINE)
  return c
}

export function stalagmite(): Canvas {
  const c = new Canvas(S, S)
  c.ellipse(16, 28, 9, 2.5, withAlpha(hex('#000000'), 90))
  const inside = (x: number, y: number) => y >= 4 && y <= 28 && Math.abs(x + 0.5 - 16) <= ((y - 3) / 25) * 8
  litBlob(c, inside, { x: 15, y: 16, r: 12 }, ROCK, { seed: 33, grain: 0.3 })
  c.outline(OUTLINE)
  return c
}

export function puddle(): Canvas {
  const c = caveFloor(3)
  c.ellipse(16, 18, 11, 6, (nx, ny) =>
    ny < -0.5 ? FLOOR.dark : Math.abs(nx + ny) < 0.15 ? WATER.light : WATER.deep,
  )
  c.set(12, 16, WATER.hi)
  c.set(13, 16, WATER.hi)
  return c
}

export function bones(): Canvas {
  const c = new Canvas(S, S)
  const bone = hex('#e8e0cc')
  const dark = hex('#a89e88')
  c.line(6, 24, 17, 19, bone)
  c.line(6, 25, 17, 20, dark)
  c.rect(5, 23, 2, 3, bone)
  c.rect(16, 18, 2, 3, bone)
  c.ellipse(22, 20, 5, 4.5, (_nx, ny) => (ny > 0.4 ? dark : bone))
  c.rect(19, 19, 2, 2, hex('#2a2220'))
  c.rect(23, 19, 2, 2, hex('#2a2220'))
  c.rect(21, 23, 3, 2, bone)
  c.outline(withAlpha(OUTLINE, 200))
  return c
}

export function crystals(): Canvas {
  const c = new Canvas(S, S)
  c.ellipse(16, 18, 14, 12, withAlpha(hex('#7ad0ff'), 45))
  const shards: [number, number, number, number][] = [
    [12, 26, 4, 16],
    [18, 26, 5, 20],
    [23, 27, 3, 11],
    [8, 27, 3, 9],
  ]
  for (const [x, base, half, h] of shards) {
    c.fill(x - half, base - h, x + half, base, (px, py) => {
      const t = (base - py) / h
      const w = half * Math.min(1, (1 - t) * 2.2)
      if (Math.abs(px + 0.5 - x) > w) return null
      return px < x ? hex('#bfeaff') : px === x ? hex('#7ad0ff') : hex('#3f8fd0')
    })
  }
  c.outline(OUTLINE)
  return c
}

export function rubble(): Canvas {
  const c = new Canvas(S, S)
  const r = rng(57)
  for (let i = 0; i < 7; i++) {
    const x = r.int(5, 26)
    const y = r.int(8, 26)
    const s = r.int(2, 4)
    c.ellipse(x, y, s, s * 0.7, (nx, ny) => (nx + ny < -0.4 ? ROCK[4]! : nx + ny > 0.6 ? ROCK[1]! : ROCK[3]!))
  }
  c.outline(withAlpha(OUTLINE, 220))
  return c
}

/** Worn steps up into daylight: the way out of the cave. */
export function caveExit(): Canvas {
  const c = caveFloor(5)
  for (let step = 0; step < 4; step++) {
    const y = 4 + step * 6
    c.rect(5, y, 22, 5, mix(hex('#8f8392'), hex('#574c5a'), step / 4))
    c.rect(5, y, 22, 1, hex('#b8aeb8'))
    c.rect(5, y + 4, 22, 1, hex('#2b2430'))
  }
  c.fill(0, 0, 31, 31, (x, y) =>
    Math.abs(x - 16) < 13 - y / 4 ? withAlpha(hex('#fff2c0'), Math.max(0, 70 - y * 2)) : null,
  )
  return c
}

export function glowMushrooms(): Canvas {
  return mushrooms(hex('#4ad8d0'), true)
}
