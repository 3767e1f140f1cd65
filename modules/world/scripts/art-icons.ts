/** Item icons, 32×32: a shape per kind of item, coloured by material. */
import { litBlob, OUTLINE } from './art-objects.ts'
import { Canvas, type Color, hex, shade } from './canvas.ts'

type Ramp = readonly [Color, Color, Color, Color]
const ramp = (...c: string[]): Ramp => c.map(hex) as unknown as Ramp

export const MATERIALS = {
  bronze: ramp('#5a3418', '#8a5428', '#b87838', '#e6b070'),
  iron: ramp('#34383f', '#585e6a', '#868d99', '#c2c8d2'),
  steel: ramp('#46505c', '#76808e', '#a9b3c0', '#eef2f6'),
  leather: ramp('#3e2616', '#6a4226', '#94643a', '#c0905a'),
  wood: ramp('#4a2e1c', '#6e4526', '#9a6a3e', '#c4945e'),
  oak: ramp('#3a2414', '#5c3a20', '#7e5432', '#a87a4e'),
  willow: ramp('#4e4a2a', '#726c3e', '#9a9256', '#c4bc7a'),
  gold: ramp('#7a4e10', '#b8841e', '#e8bc3a', '#fff0a0'),
  copper: ramp('#6a2e14', '#a8532a', '#d9803a', '#f4b27a'),
  tin: ramp('#5c6066', '#8c9096', '#b8bcc2', '#e4e8ec'),
  coal: ramp('#141218', '#26222c', '#3a3442', '#5a5464'),
  red: ramp('#5a1418', '#8e2430', '#c8374a', '#f07080'),
  green: ramp('#1e3e1e', '#2f6b2f', '#4f9a3c', '#8bcf5a'),
  blue: ramp('#1e2a5a', '#2f4a8e', '#4a78c8', '#8ab4f0'),
  purple: ramp('#2e1a4a', '#4e2f7a', '#7a4fa5', '#b08ad8'),
  rock: ramp('#3a3540', '#5c5662', '#827c88', '#aaa4b0'),
  bread: ramp('#7a4418', '#b0702e', '#d8a04a', '#f4d088'),
  meat: ramp('#5a1414', '#9a2a2a', '#c84a44', '#f08a7a'),
  cooked: ramp('#3e2010', '#6a3a1a', '#9a5a2a', '#c88a4a'),
  fish: ramp('#3a4a5a', '#5a7a8e', '#8ab0c0', '#d0e8f0'),
  trout: ramp('#4a4a3a', '#7a7a5a', '#a8a87a', '#e4dcae'),
  salmon: ramp('#6a2e2e', '#a85048', '#e07a68', '#ffc0a8'),
  fishCooked: ramp('#4a2a14', '#7a4a24', '#b87a3a', '#e8b070'),
  burnt: ramp('#0e0c0e', '#1e1a1e', '#2e282c', '#4a4044'),
} satisfies Record<string, Ramp>

/** A material by name (item ids start with one), or undefined. */
const material = (name: string): Ramp | undefined => (MATERIALS as Record<string, Ramp>)[name]

function blade(c: Canvas, m: Ramp, len: number, width: number): void {
  // Along the diagonal from the hilt (bottom-left) to the tip (top-right): u runs along it, v across it.
  const hx = 8
  const hy = 23
  c.fill(hx - width, hy - len - width, hx + len + width, hy + width, (x, y) => {
    const u = x - hx + (hy - y)
    const v = x - hx - (hy - y)
    if (u < 0 || u > 2 * len) return null
    const half = Math.min(width, Math.floor((2 * len - u) / 2))
    if (Math.abs(v) > half) return null
    if (v < -width + 1 || (v < 0 && width === 1)) return m[3]
    if (v === 0) return m[2]
    return v >= width ? m[0] : m[1]
  })
}

function hilt(c: Canvas, guard: Color, grip: Color): void {
  c.line(4, 23, 10, 29, guard)
  c.line(5, 23, 10, 28, shade(guard, 0.3))
  c.line(3, 28, 6, 25, grip)
  c.line(4, 28, 7, 25, shade(grip, -0.3))
  c.rect(2, 28, 2, 2, guard)
}

function handle(c: Canvas, from: [number, number], to: [number, number], w: Ramp = MATERIALS.wood): void {
  c.line(from[0], from[1], to[0], to[1], w[2])
  c.line(from[0] + 1, from[1], to[0] + 1, to[1], w[1])
}

function shape(
  c: Canvas,
  inside: (x: number, y: number) => boolean,
  m: Ramp,
  cx = 16,
  cy = 14,
  r = 14,
): void {
  litBlob(c, inside, { x: cx, y: cy, r }, m, { seed: 5, grain: 0.25 })
}

const ellipse = (cx: number, cy: number, rx: number, ry: number) => (x: number, y: number) =>
  ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1

/** Draws the icon for an item id into a 32×32 canvas. */
export function drawIcon(id: string): Canvas {
  const c = new Canvas(32, 32)
  const tier = id.split('_')[0]!
  const metal = material(tier) ?? MATERIALS.leather
  const is = (suffix: string) => id.endsWith(suffix)
  if (is('_dagger')) {
    blade(c, metal, 12, 1)
    hilt(c, MATERIALS.wood[2], MATERIALS.wood[1])
  } else if (is('_2h_sword')) {
    blade(c, metal, 21, 2)
    hilt(c, MATERIALS.gold[2], MATERIALS.leather[1])
  } else if (is('_sword')) {
    blade(c, metal, 17, 1)
    hilt(c, MATERIALS.gold[2], MATERIALS.leather[1])
  } else if (is('_battleaxe') || is('_hatchet')) {
    handle(c, [6, 28], [22, 6])
    const big = is('_battleaxe')
    shape(
      c,
      (x, y) =>
        ((x + 0.5 - 21) / (big ? 8 : 5)) ** 2 + ((y + 0.5 - (big ? 10 : 9)) / (big ? 9 : 5)) ** 2 <= 1 &&
        x >= 18,
      metal,
      22,
      9,
      8,
    )
  } else if (is('_pickaxe')) {
    handle(c, [8, 28], [20, 8])
    c.fill(6, 3, 29, 12, (x, y) => {
      const t = (x - 6) / 23
      const mid = 9 - Math.sin(t * Math.PI) * 5
      return Math.abs(y - mid) <= 1.5 - Math.abs(t - 0.5) ? (y < mid ? metal[3] : metal[1]) : null
    })
  } else if (is('_full_helm') || id === 'leather_cowl') {
    const helm = is('_full_helm')
    shape(
      c,
      (x, y) =>
        (ellipse(16, 15, 10.5, 11)(x, y) && y <= 25) ||
        (helm && y >= 17 && y <= 27 && Math.abs(x + 0.5 - 16) <= 10),
      metal,
    )
    if (helm) {
      c.rect(8, 14, 17, 2, metal[0])
      c.rect(15, 10, 2, 12, metal[3])
      c.rect(6, 27, 21, 1, metal[0])
      c.rect(15, 2, 2, 3, MATERIALS.red[2])
    } else c.fill(10, 14, 22, 26, (x, y) => (ellipse(16, 21, 5, 6)(x, y) ? hex('#2a1e1a') : null))
  } else if (is('_platebody') || id === 'leather_body') {
    shape(
      c,
      (x, y) =>
        (y >= 6 && y <= 28 && x >= 9 && x <= 22) ||
        (y >= 6 && y <= 16 && x >= 4 && x <= 27 && y - 6 <= 10 - Math.abs(x - 15.5) / 3),
      metal,
    )
    for (let y = 6; y < 9; y++) for (let x = 14; x < 18; x++) c.put(x, y, [0, 0, 0, 0])
    c.line(16, 10, 16, 27, metal[0])
  } else if (is('_platelegs') || id === 'leather_chaps') {
    shape(c, (x, y) => y >= 4 && y <= 28 && x >= 8 && x <= 23 && !(x >= 15 && x <= 16 && y >= 12), metal)
    c.rect(8, 4, 16, 2, metal[0])
  } else if (is('_kiteshield')) {
    shape(
      c,
      (x, y) => y >= 3 && y <= 29 && Math.abs(x + 0.5 - 16) <= (y < 12 ? 11 : 11 * (1 - (y - 12) / 18)),
      metal,
    )
    c.line(16, 6, 16, 25, metal[0])
    c.line(8, 12, 24, 12, metal[0])
  } else if (is('_gauntlets') || id === 'leather_vambraces') {
    for (const ox of [0, 11])
      shape(
        c,
        (x, y) => x >= 5 + ox && x <= 14 + ox && y >= 8 && y <= 27 && !(y < 12 && x > 12 + ox),
        metal,
        10 + ox,
        14,
        10,
      )
  } else if (is('_boots')) {
    for (const ox of [0, 12])
      shape(
        c,
        (x, y) =>
          (x >= 5 + ox && x <= 11 + ox && y >= 6 && y <= 26) ||
          (x >= 5 + ox && x <= 16 + ox && y >= 21 && y <= 26),
        metal,
        9 + ox,
        12,
        12,
      )
  } else if (is('_arrows')) {
    for (const o of [-5, 0, 5]) {
      c.line(6 + o, 26, 24 + o, 8, MATERIALS.wood[2])
      c.fill(22 + o, 4, 28 + o, 10, (x, y) =>
        x - (22 + o) + (10 - y) >= 5 && x - (22 + o) + (10 - y) <= 8 ? metal[2] : null,
      )
      c.rect(4 + o, 25, 3, 3, hex('#f0ece0'))
    }
  } else if (is('_bar')) {
    shape(
      c,
      (x, y) => y >= 11 && y <= 23 && x >= 4 + (23 - y) * 0.3 && x <= 27 - (23 - y) * 0.3,
      metal,
      12,
      10,
      14,
    )
    c.rect(7, 11, 18, 1, metal[3])
  } else if (is('_ore') || id === 'coal') {
    const ore = id === 'coal' ? MATERIALS.coal : (material(tier) ?? MATERIALS.rock)
    shape(c, ellipse(16, 18, 12, 10), id === 'coal' ? ore : MATERIALS.rock)
    if (id !== 'coal')
      for (const [x, y] of [
        [11, 14],
        [18, 12],
        [15, 20],
        [21, 19],
        [10, 21],
      ] as const)
        c.rect(x, y, 3, 2, ore[2])
  } else if (is('logs')) {
    const w = id === 'logs' ? MATERIALS.wood : (material(tier) ?? MATERIALS.wood)
    for (const [oy, ox] of [
      [19, 0],
      [10, 4],
    ] as const) {
      c.fill(4 + ox, oy, 24 + ox, oy + 8, (_x, y) =>
        y === oy ? w[3] : y === oy + 8 ? w[0] : y % 3 === 0 ? w[1] : w[2],
      )
      c.ellipse(25 + ox, oy + 4, 3.5, 4.5, (nx, ny) =>
        Math.hypot(nx, ny) > 0.65 ? w[3] : MATERIALS.bread[3],
      )
    }
  } else if (/^(raw_)?(shrimp|trout|salmon)$/.test(id) || id === 'burnt_fish') {
    const kind = id.replace('raw_', '')
    const m =
      id === 'burnt_fish'
        ? MATERIALS.burnt
        : id.startsWith('raw_')
          ? kind === 'salmon'
            ? MATERIALS.salmon
            : kind === 'trout'
              ? MATERIALS.trout
              : MATERIALS.meat
          : MATERIALS.fishCooked
    const small = kind === 'shrimp'
    if (small) {
      c.fill(6, 8, 26, 26, (x, y) =>
        Math.abs(Math.hypot(x - 16, y - 12) - 10) < 3.2 && y > 9 ? (y < 16 ? m[3] : m[2]) : null,
      )
      c.line(24, 12, 28, 6, m[1])
    } else {
      shape(c, ellipse(14, 16, 11, 6), m)
      c.fill(23, 10, 29, 22, (x, y) => (Math.abs(y - 16) <= x - 23 ? m[1] : null))
      c.set(8, 15, hex('#101010'))
    }
  } else if (id === 'bread') {
    shape(c, (x, y) => ellipse(16, 17, 13, 8)(x, y) && y <= 22, MATERIALS.bread)
    c.rect(3, 22, 26, 3, MATERIALS.bread[1])
    for (const x of [10, 16, 22]) c.line(x - 2, 13, x + 1, 17, MATERIALS.bread[0])
  } else if (id === 'raw_meat' || id === 'cooked_meat') {
    const m = id === 'raw_meat' ? MATERIALS.meat : MATERIALS.cooked
    shape(c, ellipse(15, 16, 11, 9), m)
    c.ellipse(12, 14, 3, 2.5, hex('#f2ece0'))
    c.rect(24, 18, 5, 3, hex('#f2ece0'))
  } else if (id === 'leather') {
    shape(
      c,
      (x, y) => ellipse(16, 16, 12, 11)(x, y) && !ellipse(4, 8, 4, 4)(x, y) && !ellipse(28, 24, 4, 4)(x, y),
      MATERIALS.leather,
    )
  } else if (id.endsWith('bow')) {
    const w = id.startsWith('oak') ? MATERIALS.oak : MATERIALS.wood
    const long = id === 'longbow'
    c.fill(3, 2, 28, 29, (x, y) =>
      Math.abs(Math.hypot(x - 2, y - 29) - (long ? 25 : 22)) < 1.6 ? w[2] : null,
    )
    c.line(long ? 4 : 4, long ? 4 : 7, long ? 27 : 24, 28, hex('#e8e0cc'))
    c.rect(12, 17, 3, 3, MATERIALS.leather[2])
  } else if (id === 'apprentice_staff') {
    handle(c, [5, 29], [23, 9])
    c.ellipse(25, 7, 4, 4, (nx, ny) => (nx + ny < -0.5 ? hex('#d8f4ff') : hex('#4a9ae0')))
  } else if (id === 'wizard_hat') {
    shape(
      c,
      (x, y) =>
        (y >= 4 && y <= 23 && Math.abs(x + 0.5 - 16) <= (y - 3) * 0.45) || ellipse(16, 24, 13, 3.5)(x, y),
      MATERIALS.blue,
    )
    c.rect(10, 20, 12, 2, MATERIALS.gold[2])
  } else if (id.endsWith('_cape')) {
    const m = material(id.split('_')[0]!) ?? MATERIALS.red
    shape(c, (x, y) => y >= 4 && y <= 28 && Math.abs(x + 0.5 - 16) <= 5 + (y - 4) * 0.3, m)
    c.rect(11, 4, 10, 2, MATERIALS.gold[2])
  } else if (id.startsWith('amulet') || id === 'elder_amulet') {
    c.fill(6, 3, 26, 20, (x, y) =>
      Math.abs(Math.hypot(x - 16, y - 6) - 10) < 0.8 && y > 5 ? MATERIALS.gold[2] : null,
    )
    const gem = id === 'elder_amulet' ? MATERIALS.purple : MATERIALS.red
    c.ellipse(16, 20, 5, 6, MATERIALS.gold[1])
    shape(c, ellipse(16, 20, 3.5, 4.5), gem, 15, 18, 5)
  } else if (id.endsWith('_ring') || id.startsWith('ring_')) {
    const band = id === 'copper_ring' ? MATERIALS.copper : MATERIALS.gold
    c.fill(5, 10, 27, 30, (x, y) =>
      Math.abs(Math.hypot((x - 16) / 1.1, y - 20) - 8) < 2 ? (y < 19 ? band[3] : band[1]) : null,
    )
    if (id === 'ring_of_vigour') shape(c, ellipse(16, 11, 4, 4), MATERIALS.green, 15, 10, 4)
  } else if (id === 'fishing_rod') {
    handle(c, [4, 29], [26, 4])
    c.line(27, 4, 27, 22, hex('#e8e0cc'))
    c.rect(26, 22, 3, 3, MATERIALS.red[2])
  } else if (id === 'small_net') {
    c.fill(5, 5, 26, 26, (x, y) =>
      ellipse(16, 16, 11, 11)(x, y) && ((x + y) % 5 === 0 || (x - y + 40) % 5 === 0) ? hex('#d8cfb0') : null,
    )
    handle(c, [22, 24], [29, 31])
  } else if (id === 'hammer') {
    handle(c, [8, 29], [17, 12])
    shape(c, (x, y) => x >= 9 && x <= 26 && y >= 4 && y <= 12, MATERIALS.iron, 16, 6, 10)
  } else if (id === 'tinderbox') {
    shape(c, (x, y) => x >= 5 && x <= 26 && y >= 11 && y <= 24, MATERIALS.tin)
    c.rect(5, 15, 22, 1, MATERIALS.tin[0])
    c.ellipse(16, 8, 2.5, 3.5, hex('#f07a2a'))
  } else if (id === 'coins') {
    for (const [x, y] of [
      [11, 22],
      [20, 22],
      [15, 16],
      [15, 24],
      [22, 15],
    ] as const) {
      c.ellipse(x, y, 6, 3.5, (nx, ny) =>
        ny > 0.45 ? MATERIALS.gold[0] : nx + ny < -0.4 ? MATERIALS.gold[3] : MATERIALS.gold[2],
      )
    }
  } else {
    shape(c, ellipse(16, 16, 10, 10), MATERIALS.purple)
  }
  c.outline(OUTLINE)
  return c
}
