import type { WorldAppearance } from '@tavern/protocol'

type RGB = readonly [number, number, number]

/** The colours the starter bodies were painted with (modules/world/scripts/generate-art.ts). */
const BODY_PALETTES: Record<string, { hair: RGB; shirt: RGB; pants: RGB; shoes: RGB; eyes: RGB }> = {
  body_1: {
    hair: [0x6b, 0x44, 0x26],
    shirt: [0x3f, 0x6f, 0xb5],
    pants: [0x3b, 0x3b, 0x52],
    shoes: [0x4a, 0x30, 0x22],
    eyes: [0x1e, 0x1a, 0x2a],
  },
  body_2: {
    hair: [0x2a, 0x24, 0x30],
    shirt: [0xb5, 0x45, 0x3f],
    pants: [0x5a, 0x40, 0x30],
    shoes: [0x2e, 0x24, 0x20],
    eyes: [0x1e, 0x1a, 0x2a],
  },
  body_3: {
    hair: [0x1e, 0x16, 0x14],
    shirt: [0x4f, 0x8f, 0x4a],
    pants: [0x40, 0x48, 0x5a],
    shoes: [0x3a, 0x2a, 0x20],
    eyes: [0x1e, 0x1a, 0x2a],
  },
  body_4: {
    hair: [0xe3, 0xc2, 0x5a],
    shirt: [0x7a, 0x4f, 0xa5],
    pants: [0x2e, 0x3a, 0x4a],
    shoes: [0x4a, 0x30, 0x22],
    eyes: [0x1e, 0x1a, 0x2a],
  },
}

const LIGHT: RGB = [255, 246, 214]
const DARK: RGB = [24, 16, 40]

/** The art's shading ramp: towards warm light (amount > 0) or cool dark (< 0). */
function shade(c: RGB, amount: number): RGB {
  const to = amount >= 0 ? LIGHT : DARK
  const t = Math.abs(amount)
  return [0, 1, 2].map((i) => Math.round(c[i]! + (to[i]! - c[i]!) * t)) as unknown as RGB
}

const hex = (s: string): RGB => [1, 3, 5].map((i) => Number.parseInt(s.slice(i, i + 2), 16)) as unknown as RGB

const cache = new Map<string, HTMLCanvasElement>()

/**
 * The character sheet with one body's hair, eyes, shirt, trousers and shoes repainted in the chosen colours,
 * keeping the art's shading. Bodies the palette table does not know are drawn as painted.
 */
export function recoloured(sheet: HTMLImageElement, a: WorldAppearance | undefined): CanvasImageSource {
  const base = a && BODY_PALETTES[a.body]
  if (!a || !base) return sheet
  const key = [a.body, a.hairColour, a.eyes, a.shirtColour, a.pantsColour, a.shoesColour].join('|')
  const hit = cache.get(key)
  if (hit) return hit
  const wanted: Record<keyof typeof base, RGB> = {
    hair: hex(a.hairColour),
    eyes: hex(a.eyes),
    shirt: hex(a.shirtColour),
    pants: hex(a.pantsColour),
    shoes: hex(a.shoesColour),
  }
  const swap = new Map<number, RGB>()
  for (const role of Object.keys(base) as (keyof typeof base)[]) {
    for (let step = -40; step <= 40; step++) {
      const from = shade(base[role], step / 100)
      const k = (from[0] << 16) | (from[1] << 8) | from[2]
      if (!swap.has(k)) swap.set(k, shade(wanted[role], step / 100))
    }
  }
  const canvas = document.createElement('canvas')
  canvas.width = sheet.naturalWidth
  canvas.height = sheet.naturalHeight
  const g = canvas.getContext('2d', { willReadFrequently: true })!
  g.drawImage(sheet, 0, 0)
  const img = g.getImageData(0, 0, canvas.width, canvas.height)
  const d = img.data
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] === 0) continue
    const to = swap.get((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!)
    if (to) {
      d[i] = to[0]
      d[i + 1] = to[1]
      d[i + 2] = to[2]
    }
  }
  g.putImageData(img, 0, 0)
  if (cache.size > 64) cache.clear()
  cache.set(key, canvas)
  return canvas
}
