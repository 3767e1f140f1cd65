import { cp, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadWorldContent, STARTER_CONTENT_DIR } from '../src/server/content.ts'
import { scratch } from './helpers.ts'

describe('world content for the server', () => {
  it('loads the starter world', async () => {
    const w = await loadWorldContent()
    expect([...w.world.maps.keys()].sort()).toEqual(['cave', 'forest', 'town'])
    expect(w.roots).toEqual([STARTER_CONTENT_DIR])
  })

  it('lays a host folder over it: its maps join, its entries replace the starter ones by id', async () => {
    const host = await scratch()
    try {
      await cp(path.join(STARTER_CONTENT_DIR, 'tilesets'), path.join(host.root, 'tilesets'), {
        recursive: true,
      })
      await host.write('maps/village.tmx', await readFile(path.join(STARTER_CONTENT_DIR, 'maps/town.tmx')))
      const items = JSON.parse(
        await readFile(path.join(STARTER_CONTENT_DIR, 'items.json'), 'utf8'),
      ) as Array<{
        id: string
        name: string
      }>
      const bread = { ...items.find((i) => i.id === 'bread')!, name: 'Village loaf' }
      await host.write('items.json', JSON.stringify([bread]))
      const w = await loadWorldContent(host.root)
      expect([...w.world.maps.keys()].sort()).toEqual(['cave', 'forest', 'town', 'village'])
      expect(w.mapRoots.get('village')).toBe(host.root)
      expect(w.mapRoots.get('town')).toBe(STARTER_CONTENT_DIR)
      expect(w.content.items.get('bread')?.name).toBe('Village loaf')
      expect(w.content.items.size).toBe(items.length)
      expect(w.roots[0]).toBe(host.root)
    } finally {
      await host.done()
    }
  })
})
