import type { RestClient } from '@tavern/client'
import type { CSSProperties } from 'react'

/** A tileset as the renderer needs it: which gids it covers and where each tile sits in its image. */
export interface TilesetInfo {
  firstgid: number
  tileCount: number
  columns: number
  tileWidth: number
  tileHeight: number
  margin: number
  spacing: number
  image: HTMLImageElement
}

export interface SpriteDef {
  frameWidth: number
  frameHeight: number
  frames: Record<string, [number, number][]>
}

export interface SpriteSheet {
  image: HTMLImageElement
  fps: number
  animations: Record<string, number[]>
  sprites: Record<string, SpriteDef>
}

export interface IconSheet {
  image: HTMLImageElement
  size: number
  icons: Record<string, [number, number]>
}

/** Item names and categories for tooltips, from the world's item list. */
export interface ItemInfo {
  id: string
  name: string
  category?: string
  rarity?: string
  equipmentSlot?: string | null
  heals?: number
}

export interface Assets {
  tilesets(mapId: string): Promise<TilesetInfo[]>
  characters: SpriteSheet
  npcs: SpriteSheet
  icons: IconSheet
  items: Map<string, ItemInfo>
  appearance: AppearanceOptions | null
  /** The icon of an item as a CSS background (for panels). */
  iconStyle(item: string, px?: number): CSSProperties
}

/** Fetches an image with the access token (asset routes need a signed-in user) and decodes it. */
async function image(url: string, token: Token): Promise<HTMLImageElement> {
  const t = await token()
  const res = await fetch(url, { headers: t ? { authorization: `Bearer ${t}` } : {} })
  if (!res.ok) throw new Error(`could not load ${url} (${res.status})`)
  const src = URL.createObjectURL(await res.blob())
  return new Promise((resolve, reject) => {
    const img = new Image()
    img.onload = () => resolve(img)
    img.onerror = () => reject(new Error(`could not decode ${url}`))
    img.src = src
  })
}

/** Gives a current access token (asset routes need a signed-in user). */
type Token = () => Promise<string | undefined>

interface RawSheet {
  image: string
  fps?: number
  animations?: Record<string, number[]>
  sprites: Record<string, SpriteDef>
}

async function sheet(token: Token, m: RawSheet): Promise<SpriteSheet> {
  return {
    image: await image(`/api/world/sprites/${m.image}`, token),
    fps: m.fps ?? 6,
    animations: m.animations ?? { idle: [0], walk: [1, 2] },
    sprites: m.sprites,
  }
}

interface RawTileset {
  firstGid: number
  tileWidth: number
  tileHeight: number
  tileCount: number
  columns: number
  margin: number
  spacing: number
  image: string | null
}

/** Appearance choices the server accepts: bodies, how many of each style, which fields are colours. */
export interface AppearanceOptions {
  bodies: string[]
  styles: Record<string, number>
  colours: string[]
}

/** Loads the world's sprites, icons and item list once; tilesets per map on demand. */
export async function loadAssets(rest: RestClient, token: Token): Promise<Assets> {
  const get = async <T>(path: string) => rest.call<T>('GET', path, undefined, await token())
  const [sprites, iconManifest, itemList, appearance] = await Promise.all([
    get<{ characters: RawSheet; npcs: RawSheet }>('/api/world/sprites'),
    get<{ image: string; size: number; icons: Record<string, [number, number]> }>('/api/world/icons'),
    get<{ items: ItemInfo[] }>('/api/world/items').catch(() => ({ items: [] as ItemInfo[] })),
    get<AppearanceOptions>('/api/world/appearance').catch(() => null),
  ])
  const [characters, npcs, iconImage] = await Promise.all([
    sheet(token, sprites.characters),
    sheet(token, sprites.npcs),
    image(`/api/world/icons/${iconManifest.image}`, token),
  ])
  const icons: IconSheet = { image: iconImage, size: iconManifest.size, icons: iconManifest.icons }
  const items = new Map(itemList.items.map((i) => [i.id, i]))
  const cache = new Map<string, Promise<TilesetInfo[]>>()
  const tilesets = (mapId: string) => {
    let p = cache.get(mapId)
    if (!p) {
      p = get<{ tilesets: RawTileset[] }>(`/api/world/maps/${encodeURIComponent(mapId)}`).then((r) =>
        Promise.all(
          r.tilesets
            .filter((t) => t.image)
            .map(async (t) => ({
              firstgid: t.firstGid,
              tileCount: t.tileCount,
              columns: t.columns,
              tileWidth: t.tileWidth,
              tileHeight: t.tileHeight,
              margin: t.margin,
              spacing: t.spacing,
              image: await image(t.image!, token),
            })),
        ),
      )
      cache.set(mapId, p)
      p.catch(() => cache.delete(mapId))
    }
    return p
  }
  return {
    tilesets,
    characters,
    npcs,
    icons,
    items,
    appearance,
    iconStyle(item, px = 32) {
      const at = icons.icons[item]
      if (!at) return {}
      const scale = px / icons.size
      return {
        backgroundImage: `url(${iconImage.src})`,
        backgroundPosition: `-${at[0] * scale}px -${at[1] * scale}px`,
        backgroundSize: `${iconImage.naturalWidth * scale}px ${iconImage.naturalHeight * scale}px`,
        imageRendering: 'pixelated',
      }
    },
  }
}
