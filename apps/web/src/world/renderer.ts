import type { WorldAppearance } from '@tavern/protocol'
import type { Assets, SpriteSheet, TilesetInfo } from './assets.ts'
import { recoloured } from './recolour.ts'
import type { Chunk, Facing, WorldStore } from './store.ts'

interface ChunkImage {
  chunk: Chunk
  canvas: HTMLCanvasElement
}

/**
 * Draws the world on a 2D canvas: pre-rendered chunk images (layers in order), then ground items, NPCs and
 * players sorted by row, names, health bars, hit splats and floating texts. The camera follows our own
 * interpolated position.
 */
export class Renderer {
  zoom = 1
  /** Tile under the pointer, for the hover outline. */
  hover: { x: number; y: number } | null = null
  /** The planned click-to-move path, drawn as dots. */
  path: { x: number; y: number }[] = []
  private readonly ctx: CanvasRenderingContext2D
  private tilesets: TilesetInfo[] = []
  private tilesetMap: string | null = null
  private readonly images = new Map<string, ChunkImage>()
  private camX = 0
  private camY = 0
  private dpr = 1

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly store: WorldStore,
    private readonly assets: Assets,
  ) {
    this.ctx = canvas.getContext('2d')!
  }

  get tile(): number {
    return this.store.config?.tileSize ?? 32
  }

  /** Matches the canvas to its box; zooms in on large screens so tiles stay readable. */
  resize(): void {
    const w = this.canvas.clientWidth
    const h = this.canvas.clientHeight
    this.dpr = window.devicePixelRatio || 1
    this.canvas.width = Math.round(w * this.dpr)
    this.canvas.height = Math.round(h * this.dpr)
    // Whole zoom steps only: pixel art scaled by 1.5 looks ragged.
    this.zoom = Math.max(1, Math.min(3, Math.floor(Math.min(w / (20 * this.tile), h / (13 * this.tile)))))
  }

  /** The tile at a point of the canvas (CSS pixels). */
  tileAt(px: number, py: number): { x: number; y: number } {
    const s = this.tile * this.zoom
    return {
      x: Math.floor((px - this.canvas.clientWidth / 2) / s + this.camX / this.tile),
      y: Math.floor((py - this.canvas.clientHeight / 2) / s + this.camY / this.tile),
    }
  }

  /** Where a tile's centre is on the canvas (CSS pixels), for tests and tooltips. */
  screenOf(x: number, y: number): { x: number; y: number } {
    const s = this.tile * this.zoom
    return {
      x: (x + 0.5 - this.camX / this.tile) * s + this.canvas.clientWidth / 2,
      y: (y + 0.5 - this.camY / this.tile) * s + this.canvas.clientHeight / 2,
    }
  }

  private ensureTilesets(): void {
    const map = this.store.map?.id
    if (!map || map === this.tilesetMap) return
    this.tilesetMap = map
    this.tilesets = []
    this.images.clear()
    this.assets.tilesets(map).then(
      (t) => {
        if (this.tilesetMap !== map) return
        this.tilesets = t
        this.images.clear()
      },
      () => {
        this.tilesetMap = null
      },
    )
  }

  private chunkImage(key: string, chunk: Chunk): HTMLCanvasElement | null {
    const have = this.images.get(key)
    if (have?.chunk === chunk) return have.canvas
    if (this.tilesets.length === 0) return null
    const t = this.tile
    const canvas = have?.canvas ?? document.createElement('canvas')
    canvas.width = chunk.size * t
    canvas.height = chunk.size * t
    const g = canvas.getContext('2d')!
    g.clearRect(0, 0, canvas.width, canvas.height)
    g.imageSmoothingEnabled = false
    for (const layer of chunk.layers) {
      for (let i = 0; i < layer.gids.length; i++) {
        const gid = layer.gids[i]!
        if (gid === 0) continue
        const ts = this.tilesetOf(gid)
        if (!ts) continue
        const local = gid - ts.firstgid
        const sx = ts.margin + (local % ts.columns) * (ts.tileWidth + ts.spacing)
        const sy = ts.margin + Math.floor(local / ts.columns) * (ts.tileHeight + ts.spacing)
        const dx = (i % chunk.size) * t
        const dy = Math.floor(i / chunk.size) * t
        g.drawImage(
          ts.image,
          sx,
          sy,
          ts.tileWidth,
          ts.tileHeight,
          dx,
          dy + t - ts.tileHeight,
          ts.tileWidth,
          ts.tileHeight,
        )
      }
    }
    this.images.set(key, { chunk, canvas })
    return canvas
  }

  private tilesetOf(gid: number): TilesetInfo | undefined {
    let found: TilesetInfo | undefined
    for (const ts of this.tilesets)
      if (ts.firstgid <= gid && (!found || ts.firstgid > found.firstgid)) found = ts
    return found
  }

  /** Draws one frame. */
  frame(now: number): void {
    const { ctx, store } = this
    this.ensureTilesets()
    for (const k of this.images.keys()) if (!store.chunks.has(k)) this.images.delete(k)
    const t = this.tile
    const w = this.canvas.clientWidth
    const h = this.canvas.clientHeight
    const me = store.drawnAt('self', now)
    this.camX = (me.x + 0.5) * t
    this.camY = (me.y + 0.5) * t
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.fillStyle = '#120c08'
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height)
    const z = this.zoom * this.dpr
    // Whole device pixels keep tile seams invisible.
    const ox = Math.round((w / 2) * this.dpr - this.camX * z)
    const oy = Math.round((h / 2) * this.dpr - this.camY * z)
    ctx.setTransform(z, 0, 0, z, ox, oy)
    ctx.imageSmoothingEnabled = false

    for (const [key, chunk] of store.chunks) {
      const img = this.chunkImage(key, chunk)
      if (img) ctx.drawImage(img, chunk.x * t, chunk.y * t)
    }

    if (this.hover) {
      ctx.strokeStyle = 'rgba(255, 230, 160, 0.7)'
      ctx.lineWidth = 1
      ctx.strokeRect(this.hover.x * t + 0.5, this.hover.y * t + 0.5, t - 1, t - 1)
    }
    ctx.fillStyle = 'rgba(255, 215, 120, 0.8)'
    for (const p of this.path) {
      ctx.beginPath()
      ctx.arc((p.x + 0.5) * t, (p.y + 0.5) * t, 3, 0, Math.PI * 2)
      ctx.fill()
    }

    for (const it of store.items.values()) {
      const at = this.assets.icons.icons[it.item]
      const cx = (it.x + 0.5) * t
      const cy = (it.y + 0.5) * t
      ctx.fillStyle = 'rgba(0,0,0,0.35)'
      ctx.beginPath()
      ctx.ellipse(cx, cy + 9, 9, 3, 0, 0, Math.PI * 2)
      ctx.fill()
      if (at)
        ctx.drawImage(
          this.assets.icons.image,
          at[0],
          at[1],
          this.assets.icons.size,
          this.assets.icons.size,
          cx - 12,
          cy - 12,
          24,
          24,
        )
      if (it.quantity > 1) this.label(String(it.quantity), cx + 9, cy + 10, '#ffe9a8', 9)
    }

    type Drawable = { y: number; draw: () => void }
    const list: Drawable[] = []
    for (const n of store.npcs.values()) {
      const p = store.drawnAt(`n:${n.id}`, now)
      list.push({
        y: p.y + n.height,
        draw: () => {
          const dead = n.mode === 'dead' || n.hp <= 0
          this.sprite(this.assets.npcs, n.kind, p.x, p.y, p.facing, p.moving, now, dead, n.width, n.height)
          if (!dead) {
            this.name(n.name, (p.x + n.width / 2) * t, p.y * t - 8, n.attackable ? '#ffb0a0' : '#fff3c4')
            if (n.attackable && (n.hp < n.maxHp || n.mode === 'combat'))
              this.bar((p.x + n.width / 2) * t, p.y * t - 4, n.hp, n.maxHp)
          }
        },
      })
    }
    for (const o of store.players.values()) {
      const p = store.drawnAt(`p:${o.id}`, now)
      list.push({
        y: p.y + 1,
        draw: () => {
          this.character(o.appearance, p.x, p.y, p.facing, p.moving, now, o.dead)
          this.name(o.name, (p.x + 0.5) * t, p.y * t - 8, '#ffffff')
          this.bar((p.x + 0.5) * t, p.y * t - 4, o.hp, o.maxHp)
        },
      })
    }
    if (store.self) {
      const self = store.self
      list.push({
        y: me.y + 1.001,
        draw: () => {
          this.character(self.appearance, me.x, me.y, me.facing, me.moving, now, self.dead)
          this.name(store.username, (me.x + 0.5) * t, me.y * t - 8, '#ffd76a')
          this.bar((me.x + 0.5) * t, me.y * t - 4, self.hp.current, self.hp.max)
        },
      })
    }
    list.sort((a, b) => a.y - b.y)
    this.tags = []
    for (const d of list) d.draw()

    store.prune(now)
    for (const s of store.splats) {
      const key = s.kind === 'npc' ? `n:${s.id}` : s.id === store.playerId ? 'self' : `p:${s.id}`
      const p = store.drawnAt(key, now)
      const age = (now - s.at) / 1200
      const size = s.kind === 'npc' ? (store.npcs.get(s.id)?.width ?? 1) : 1
      const cx = (p.x + size / 2) * t
      const cy = (p.y + size / 2) * t - age * 14
      ctx.globalAlpha = Math.max(0, 1 - age * age)
      ctx.fillStyle = s.hit && s.damage > 0 ? '#c0261b' : '#2f6fb4'
      ctx.beginPath()
      ctx.arc(cx, cy, 8, 0, Math.PI * 2)
      ctx.fill()
      ctx.strokeStyle = '#fff'
      ctx.lineWidth = 1
      ctx.stroke()
      this.label(String(s.damage), cx, cy + 3.5, '#fff', 10)
      ctx.globalAlpha = 1
    }
    for (const [i, f] of store.floats.entries()) {
      const age = (now - f.at) / 2000
      ctx.globalAlpha = Math.max(0, 1 - age)
      this.label(f.text, (me.x + 0.5) * t, me.y * t - 22 - age * 24 - i * 12, f.colour, 10)
      ctx.globalAlpha = 1
    }
  }

  private character(
    a: WorldAppearance | undefined,
    x: number,
    y: number,
    facing: Facing,
    moving: boolean,
    now: number,
    dead: boolean,
  ): void {
    const body =
      a?.body && this.assets.characters.sprites[a.body]
        ? a.body
        : Object.keys(this.assets.characters.sprites)[0]!
    const image = recoloured(this.assets.characters.image, a)
    this.sprite({ ...this.assets.characters, image }, body, x, y, facing, moving, now, dead, 1, 1)
  }

  private sprite(
    sheet: Omit<SpriteSheet, 'image'> & { image: CanvasImageSource },
    name: string,
    x: number,
    y: number,
    facing: Facing,
    moving: boolean,
    now: number,
    dead: boolean,
    wTiles: number,
    hTiles: number,
  ): void {
    const { ctx } = this
    const t = this.tile
    const def = sheet.sprites[name]
    const cx = (x + wTiles / 2) * t
    const bottom = (y + hTiles) * t
    ctx.fillStyle = 'rgba(0,0,0,0.3)'
    ctx.beginPath()
    ctx.ellipse(cx, bottom - 3, (wTiles * t) / 3, 4, 0, 0, Math.PI * 2)
    ctx.fill()
    if (!def) {
      ctx.fillStyle = '#a55'
      ctx.fillRect(x * t + 6, y * t + 6, wTiles * t - 12, hTiles * t - 12)
      return
    }
    const frames = def.frames[facing] ?? Object.values(def.frames)[0]!
    const walk = sheet.animations.walk ?? [1, 2]
    const idx = moving
      ? walk[Math.floor((now / 1000) * sheet.fps * 2) % walk.length]!
      : (sheet.animations.idle?.[0] ?? 0)
    const [sx, sy] = frames[idx] ?? frames[0]!
    ctx.save()
    if (dead) {
      ctx.globalAlpha = 0.55
      ctx.translate(cx, bottom - 6)
      ctx.rotate(Math.PI / 2)
      ctx.filter = 'grayscale(1)'
      ctx.drawImage(
        sheet.image,
        sx,
        sy,
        def.frameWidth,
        def.frameHeight,
        -def.frameHeight / 2,
        -def.frameWidth / 2,
        def.frameWidth,
        def.frameHeight,
      )
    } else {
      ctx.drawImage(
        sheet.image,
        sx,
        sy,
        def.frameWidth,
        def.frameHeight,
        cx - def.frameWidth / 2,
        bottom - def.frameHeight,
        def.frameWidth,
        def.frameHeight,
      )
    }
    ctx.restore()
  }

  /** Name tags placed this frame, so a neighbour's tag moves up instead of overprinting. */
  private tags: { x: number; y: number; w: number }[] = []

  private name(text: string, x: number, y: number, colour: string): void {
    this.ctx.font = "600 10px system-ui, 'DejaVu Sans', sans-serif"
    const w = this.ctx.measureText(text).width + 4
    let at = y
    for (let i = 0; i < 4; i++) {
      const clash = this.tags.some((g) => Math.abs(g.y - at) < 11 && Math.abs(g.x - x) < (g.w + w) / 2)
      if (!clash) break
      at -= 11
    }
    this.tags.push({ x, y: at, w })
    this.label(text, x, at, colour, 10)
  }

  private label(text: string, x: number, y: number, colour: string, size: number): void {
    const { ctx } = this
    ctx.font = `600 ${size}px system-ui, 'DejaVu Sans', sans-serif`
    ctx.textAlign = 'center'
    ctx.lineWidth = 3
    ctx.strokeStyle = 'rgba(15, 8, 3, 0.85)'
    ctx.strokeText(text, x, y)
    ctx.fillStyle = colour
    ctx.fillText(text, x, y)
  }

  private bar(cx: number, y: number, hp: number, max: number): void {
    const { ctx } = this
    const w = 26
    const f = Math.max(0, Math.min(1, hp / Math.max(1, max)))
    ctx.fillStyle = 'rgba(0,0,0,0.7)'
    ctx.fillRect(cx - w / 2 - 1, y - 1, w + 2, 5)
    ctx.fillStyle = '#6b1d14'
    ctx.fillRect(cx - w / 2, y, w, 3)
    ctx.fillStyle = f > 0.5 ? '#5fcf4a' : f > 0.25 ? '#e3b23c' : '#e0533a'
    ctx.fillRect(cx - w / 2, y, w * f, 3)
  }
}
