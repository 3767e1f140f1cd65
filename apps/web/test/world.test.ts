import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Renderer } from '../src/world/renderer.ts'
import type { Chunk, WorldStore } from '../src/world/store.ts'
import { openPage, serverAndBrowser, shot, signUp } from './browser.ts'

/** What the client hangs on its canvas element for tests. */
type Live = { store: WorldStore; renderer: Renderer }

const unique = (p: string) => `${p}${Date.now() % 1_000_000}${Math.floor(Math.random() * 100)}`

/** Live world state read from the canvas element (the client exposes it there for tests). */
async function world(page: Page) {
  return page.getByTestId('world-canvas').evaluate((el) => {
    const s = (el as unknown as { tavern: Live }).tavern.store
    return {
      self: s.self && { x: s.self.x, y: s.self.y, map: s.self.map, inventory: s.self.inventory },
      players: [...s.players.values()].map((p) => ({ id: p.id, name: p.name, x: p.x, y: p.y })),
      items: [...s.items.values()].map((i) => ({ id: i.id, item: i.item, x: i.x, y: i.y })),
      npcs: [...s.npcs.values()].map((n) => ({ id: n.id, name: n.name, x: n.x, y: n.y })),
      chunks: s.chunks.size,
    }
  })
}

/**
 * Whether something is drawn over the ground at a tile: compares the canvas pixel at the tile's centre with the
 * same pixel of the pre-rendered ground chunk.
 */
async function drawnOver(page: Page, x: number, y: number): Promise<boolean> {
  return page.getByTestId('world-canvas').evaluate(
    (el, [tx, ty]) => {
      const c = el as HTMLCanvasElement
      const { renderer } = (el as unknown as { tavern: Live }).tavern
      const images = (
        renderer as unknown as { images: Map<string, { chunk: Chunk; canvas: HTMLCanvasElement }> }
      ).images
      const img = [...images.values()].find(
        (i) => tx! >= i.chunk.x && ty! >= i.chunk.y && tx! < i.chunk.x + 16 && ty! < i.chunk.y + 16,
      )
      if (!img) return false
      const t = renderer.tile
      const g = img.canvas
        .getContext('2d')!
        .getImageData((tx! - img.chunk.x) * t + t / 2, (ty! - img.chunk.y) * t + t / 2, 1, 1).data
      const at = renderer.screenOf(tx!, ty!)
      const r = c.width / c.clientWidth
      const d = c.getContext('2d')!.getImageData(Math.round(at.x * r), Math.round(at.y * r), 1, 1).data
      return Math.abs(g[0]! - d[0]!) + Math.abs(g[1]! - d[1]!) + Math.abs(g[2]! - d[2]!) > 30
    },
    [x, y],
  )
}

/**
 * Clicks the canvas on a tile. A left click goes to the canvas itself: the tile may lie under the chat or the
 * HUD, where a real pointer would hit the panel instead.
 */
async function clickTile(page: Page, x: number, y: number, button: 'left' | 'right' = 'left'): Promise<void> {
  const canvas = page.getByTestId('world-canvas')
  const at = await canvas.evaluate(
    (el, [tx, ty]) => (el as unknown as { tavern: Live }).tavern.renderer.screenOf(tx!, ty!),
    [x, y],
  )
  if (button === 'right') {
    await canvas.click({ position: at, button })
    return
  }
  const box = (await canvas.boundingBox())!
  await canvas.dispatchEvent('click', { clientX: box.x + at.x, clientY: box.y + at.y, bubbles: true })
}

/** A direction Ann can walk two tiles in (and back), from the walkability the client loaded. */
async function freeDirection(page: Page, from: { x: number; y: number }) {
  const dirs = [
    { key: 'ArrowRight', back: 'ArrowLeft', dx: 1, dy: 0 },
    { key: 'ArrowLeft', back: 'ArrowRight', dx: -1, dy: 0 },
    { key: 'ArrowDown', back: 'ArrowUp', dx: 0, dy: 1 },
    { key: 'ArrowUp', back: 'ArrowDown', dx: 0, dy: -1 },
  ]
  for (const d of dirs) {
    const ok = await page.getByTestId('world-canvas').evaluate(
      (el, [x, y, dx, dy]) => {
        const s = (el as unknown as { tavern: Live }).tavern.store
        return s.walkable(x! + dx!, y! + dy!) && s.walkable(x! + 2 * dx!, y! + 2 * dy!)
      },
      [from.x, from.y, d.dx, d.dy],
    )
    if (ok) return d
  }
  throw new Error('Ann is walled in')
}

describe('the world in a browser', () => {
  const env = serverAndBrowser()

  it('two players sign up, see each other move, chat and pick up an item', async () => {
    const a = await openPage(env.browser, env.server.url)
    const b = await openPage(env.browser, env.server.url, { width: 800, height: 600 })
    const nameA = unique('ann')
    const nameB = unique('bob')
    await signUp(a.page, nameA)
    await a.page.getByRole('dialog', { name: 'Appearance' }).waitFor()
    await a.page.getByRole('button', { name: 'Shirt #a8322d' }).click()
    await a.page.getByRole('button', { name: 'Hair #d8b26a' }).click()
    await shot(a.page, 'appearance')
    await a.page.getByRole('button', { name: 'Step into the world' }).click()
    await signUp(b.page, nameB)
    await b.page.getByRole('button', { name: 'Later' }).click()
    const seen = (p: Page, name: string) => world(p).then((w) => w.players.find((x) => x.name === name))
    await expect.poll(() => seen(a.page, nameB), { timeout: 10_000 }).toBeTruthy()
    await expect.poll(() => seen(b.page, nameA), { timeout: 10_000 }).toBeTruthy()

    // Ann walks; Bob sees her move, on the page state and on his canvas.
    const start = (await world(a.page)).self!
    const step = await freeDirection(a.page, start)
    for (let i = 0; i < 2; i++) {
      await a.page.keyboard.press(step.key)
      await a.page.waitForTimeout(260)
    }
    const to = { x: start.x + step.dx * 2, y: start.y + step.dy * 2 }
    await expect.poll(() => world(a.page).then((w) => w.self), { timeout: 5000 }).toMatchObject(to)
    await a.page
      .getByTestId('coords')
      .filter({ hasText: `${to.x}, ${to.y}` })
      .waitFor()
    await expect.poll(() => seen(b.page, nameA), { timeout: 5000 }).toMatchObject(to)
    await b.page.waitForTimeout(400)
    expect(await drawnOver(b.page, to.x, to.y)).toBe(true)

    // Local chat reaches Bob.
    await a.page.keyboard.press('Enter')
    await a.page.getByLabel('Chat message').fill('Well met, traveller!')
    await a.page.keyboard.press('Enter')
    await b.page.getByTestId('chat-line').filter({ hasText: 'Well met, traveller!' }).waitFor()

    // Ann drops her bread, steps away, then clicks it to walk back and pick it up.
    await a.page.locator('[data-item=bread]').click()
    await a.page.getByRole('button', { name: 'Drop' }).click()
    await expect
      .poll(() => world(a.page).then((w) => w.items.filter((i) => i.item === 'bread').length))
      .toBe(1)
    await expect.poll(() => a.page.locator('[data-item=bread]').count()).toBe(0)
    await a.page.keyboard.press(step.back)
    await expect
      .poll(() => world(a.page).then((w) => w.self), { timeout: 5000 })
      .toMatchObject({
        x: to.x - step.dx,
        y: to.y - step.dy,
      })
    await a.page.waitForTimeout(400)
    expect(await drawnOver(a.page, to.x, to.y)).toBe(true) // the bread's icon
    const breadAt = await a.page
      .getByTestId('world-canvas')
      .evaluate(
        (el, [x, y]) => (el as unknown as { tavern: Live }).tavern.renderer.screenOf(x!, y!),
        [to.x, to.y],
      )
    await a.page.getByTestId('world-canvas').hover({ position: breadAt })
    await a.page
      .locator('.hover-tip')
      .filter({ hasText: /bread ×3/i })
      .waitFor()
    await shot(a.page, 'world')
    await clickTile(a.page, to.x, to.y)
    await a.page.locator('[data-item=bread]').waitFor({ timeout: 5000 })
    await expect.poll(() => world(a.page).then((w) => w.items.length)).toBe(0)

    // A whisper from Bob.
    await b.page.getByLabel('Chat message').fill(`/w ${nameA} see you at the inn`)
    await b.page.keyboard.press('Enter')
    await a.page.getByTestId('chat-line').filter({ hasText: 'see you at the inn' }).waitFor()

    // Bob asks Ann to trade from the map; she accepts, offers coins, both accept and the coins change hands.
    const ann = (await seen(b.page, nameA))!
    await clickTile(b.page, ann.x, ann.y, 'right')
    await b.page.getByRole('button', { name: `Trade with ${nameA}` }).click()
    await a.page.getByRole('button', { name: 'Trade', exact: true }).click()
    await a.page.getByTestId('trade').waitFor()
    await b.page.getByTestId('trade').waitFor()
    await a.page.getByTestId('inventory').locator('[data-item=coins]').click()
    await b.page.getByTestId('trade').locator('.trade-offer').nth(1).locator('.slot').waitFor()
    await shot(b.page, 'trade')
    await a.page.getByTestId('trade').getByRole('button', { name: 'Accept' }).click()
    await b.page.getByTestId('trade').getByRole('button', { name: 'Accept' }).click()
    await b.page.getByTestId('trade').waitFor({ state: 'detached' })
    await expect
      .poll(() => b.page.getByTestId('inventory').locator('[data-item=coins]').getAttribute('title'))
      .toMatch(/×50$/)
    await expect.poll(() => a.page.getByTestId('inventory').locator('[data-item=coins]').count()).toBe(0)

    await shot(b.page, 'world-800')
    expect(a.errors).toEqual([])
    expect(b.errors).toEqual([])
  }, 90_000)

  it('fights a guard with hit splats on the canvas, falls, and rises again at the spawn', async () => {
    const c = await openPage(env.browser, env.server.url, { width: 1920, height: 1080 })
    await signUp(c.page, unique('cal'))
    await c.page.getByRole('button', { name: 'Later' }).click()
    await expect.poll(async () => (await world(c.page)).npcs.length, { timeout: 10_000 }).toBeGreaterThan(0)
    const me = (await world(c.page)).self!
    const live = () =>
      c.page.getByTestId('world-canvas').evaluate((el) => {
        const s = (el as unknown as { tavern: Live }).tavern.store
        return { swings: s.swings, splats: s.splats.length, fighting: !!s.self?.target, dead: !!s.self?.dead }
      })
    // Guards wander and give up the chase: click the nearest one where it stands now whenever we are not
    // fighting, until the first blows land and then until we fall.
    const engage = async () => {
      const w = await world(c.page)
      const at = w.self!
      const guard = w.npcs
        .filter((n) => n.name === 'Village guard')
        .sort(
          (p, q) =>
            Math.abs(p.x - at.x) + Math.abs(p.y - at.y) - (Math.abs(q.x - at.x) + Math.abs(q.y - at.y)),
        )[0]!
      await clickTile(c.page, guard.x, guard.y)
    }
    const started = Date.now()
    let shown = false
    // The fall is shown only until the respawn (5 s): wait for it, rather than sleep between looks and miss it on a
    // slow machine.
    const fallen = c.page.getByText('You have fallen')
    const fell = () =>
      fallen.waitFor({ timeout: 2500 }).then(
        () => true,
        () => false,
      )
    while (!(await live()).dead && Date.now() - started < 70_000) {
      const now = await live()
      if (now.splats > 0 && !shown) {
        await shot(c.page, 'combat')
        shown = true
      }
      if (!now.fighting) await engage()
      if (await fell()) break
    }
    expect((await live()).swings).toBeGreaterThan(0)
    await fallen.waitFor({ timeout: 5000 })
    await shot(c.page, 'death')
    await fallen.waitFor({ state: 'detached', timeout: 15_000 })
    await expect
      .poll(() => world(c.page).then((x) => x.self), { timeout: 5000 })
      .toMatchObject({ x: me.x, y: me.y })
    expect(c.errors).toEqual([])
    await c.context.close()
  }, 110_000)

  it('explains errors in words, shows the shortcuts, resumes a dropped connection and logs out', async () => {
    const d = await openPage(env.browser, env.server.url, { width: 800, height: 600 })
    const name = unique('dee')
    await d.page.fill('#username', name)
    await d.page.fill('#password', 'not the right one')
    await d.page.getByRole('button', { name: 'Enter the tavern' }).click()
    await d.page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor()
    await shot(d.page, 'login')
    // Chromium logs the refused login's 401 response itself; that one is expected.
    expect(d.errors.every((e) => e.includes('401'))).toBe(true)
    d.errors.length = 0
    await signUp(d.page, name)
    await d.page.getByRole('button', { name: 'Later' }).click()
    await d.page.getByTestId('world-canvas').waitFor()

    await d.page.keyboard.press('?')
    await d.page.getByRole('dialog', { name: 'Shortcuts' }).waitFor()
    await shot(d.page, 'help')
    await d.page.keyboard.press('Escape')
    await d.page.getByRole('dialog', { name: 'Shortcuts' }).waitFor({ state: 'detached' })

    // The pack: drag bread to another slot, wield the dagger, see it in the gear panel.
    const pack = d.page.getByTestId('inventory')
    await pack.locator('[data-item=bread]').dragTo(pack.locator('button.slot').nth(9))
    await expect.poll(() => pack.locator('button.slot').nth(9).getAttribute('data-item')).toBe('bread')
    await pack.locator('[data-item=bronze_dagger]').click()
    await d.page.getByRole('button', { name: 'Equip' }).click()
    await expect.poll(() => pack.locator('[data-item=bronze_dagger]').count()).toBe(0)

    await d.page.getByRole('button', { name: 'Skills' }).click()
    await d.page.getByTestId('skills').getByText('hitpoints').waitFor()
    await shot(d.page, 'skills')
    await d.page.getByRole('button', { name: 'Gear' }).click()
    await d.page
      .getByTestId('equipment')
      .getByTitle(/^Bronze dagger/)
      .waitFor()
    await shot(d.page, 'gear')
    await d.page.getByRole('button', { name: 'Pack' }).click()

    await d.page.getByRole('button', { name: 'Fold the chat away' }).click()
    await shot(d.page, 'chat-folded')
    await d.page.getByRole('button', { name: 'Show the chat' }).click()

    await d.page.getByTitle('Drop and resume the connection').click()
    await d.page.locator('[data-testid=connection][data-state=reconnecting]').waitFor()
    await d.page.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 10_000 })
    await d.page.getByLabel('Chat message').fill('still here')
    await d.page.keyboard.press('Enter')
    await d.page.getByTestId('chat-line').filter({ hasText: 'still here' }).waitFor()

    await d.page.getByRole('button', { name: 'Log out' }).click()
    await d.page.getByRole('button', { name: 'Enter the tavern' }).waitFor()
    expect(d.errors).toEqual([])
    await d.context.close()
  }, 60_000)
})
