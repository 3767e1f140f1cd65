/**
 * Renders a Tiled map of the content folder to a PNG, the way a client would draw it, with spawns (green),
 * NPC spawns (red) and portals (blue) marked. Handy for checking a layout without opening Tiled.
 *
 *   npx tsx modules/world/scripts/render-map.ts <map file> <out.png> [--half]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gidLookup, loadTiledMap } from '../src/maps/tiled.ts'
import { Canvas, hex, withAlpha } from './canvas.ts'
import { decodePng, encodePng } from './png.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const contentRoot = path.join(here, '..', 'content')
const [file, out] = process.argv.slice(2)
if (!file || !out) throw new Error('usage: render-map.ts <map file> <out.png> [--half]')

const map = await loadTiledMap(path.resolve(file), { contentRoot })
const images = new Map(
  map.tilesets.map((t) => [t.name, decodePng(readFileSync(path.join(contentRoot, t.image!.path)))]),
)
const lookup = gidLookup(map.tilesets)
const tw = map.tileWidth
const c = new Canvas(map.width * tw, map.height * tw)
c.rect(0, 0, c.width, c.height, hex('#101010'))
for (const layer of map.layers) {
  if (!layer.visible) continue
  for (let i = 0; i < layer.gids.length; i++) {
    const hit = layer.gids[i] ? lookup(layer.gids[i]!) : undefined
    if (!hit) continue
    const img = images.get(hit.tileset.name)!
    const sx = (hit.local % hit.tileset.columns) * tw
    const sy = Math.floor(hit.local / hit.tileset.columns) * tw
    const dx = (i % map.width) * tw
    const dy = Math.floor(i / map.width) * tw
    for (let y = 0; y < tw; y++) {
      for (let x = 0; x < tw; x++) {
        const k = ((sy + y) * img.width + sx + x) * 4
        c.set(dx + x, dy + y, [img.data[k]!, img.data[k + 1]!, img.data[k + 2]!, img.data[k + 3]!])
      }
    }
  }
}
const mark = (x: number, y: number, w: number, h: number, color: string) => {
  const px = (x - map.originX) * tw
  const py = (y - map.originY) * tw
  c.rect(px + 2, py + 2, w * tw - 4, h * tw - 4, withAlpha(hex(color), 90))
}
for (const s of map.playerSpawns) mark(s.x, s.y, 1, 1, '#30e040')
for (const e of map.entitySpawns) mark(e.x, e.y, 1, 1, '#f03030')
for (const p of map.portals) mark(p.area.x, p.area.y, p.area.width, p.area.height, '#3060ff')
let img = c
if (process.argv.includes('--half')) {
  img = new Canvas(c.width >> 1, c.height >> 1)
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) img.put(x, y, c.get(x * 2, y * 2))
}
writeFileSync(out, encodePng(img.width, img.height, img.data))
console.log(`${map.id}: ${map.width}×${map.height} at (${map.originX},${map.originY}) → ${out}`)
