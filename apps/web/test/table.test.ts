import type { SceneToken } from '@tavern/protocol'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { type RoomEvent, type RoomState, reduceRoom } from '../src/table/room-state.ts'
import { openPage, serverAndBrowser, shot, signUp } from './browser.ts'

const unique = (p: string) => `${p}${Date.now() % 1_000_000}${Math.floor(Math.random() * 100)}`

/** The GM opens a table and invites; the player joins by code. */
async function seat(gm: Page, player: Page, title: string): Promise<void> {
  await gm.getByLabel('Adventure name').fill(title)
  await gm.getByRole('button', { name: 'Open a table' }).click()
  await gm.getByTestId('table-title').filter({ hasText: title }).waitFor()
  await gm.getByRole('button', { name: 'Invite' }).click()
  const code = (await gm.getByTestId('invite-code').textContent())!.trim()
  expect(code.length).toBeGreaterThanOrEqual(4)
  await player.getByLabel('Invite code').fill(code)
  await player.getByRole('button', { name: 'Join by code' }).click()
  await player.getByTestId('table-title').filter({ hasText: title }).waitFor()
  await gm.getByTestId('members').getByText(/^pl/).waitFor()
}

/** Places a token the way the GM does: the first free cell, optionally hidden. */
async function place(gm: Page, name: string, owner: string, hidden = false): Promise<void> {
  await gm.getByLabel('Token name').fill(name)
  await gm.getByLabel('Token owner').selectOption({ label: owner })
  await gm.getByLabel('hidden').setChecked(hidden)
  await gm.getByRole('button', { name: 'Place' }).click()
  await gm.locator(`[data-token=${name}]`).waitFor()
}

/** The centre of an element on screen. */
async function centre(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const b = (await page.locator(selector).boundingBox())!
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 }
}

describe('the table page in a browser', () => {
  const env = serverAndBrowser()

  it('a GM opens a table, a player joins by code, they chat and roll 4d6kh3 with every die shown', async () => {
    const gm = await openPage(env.browser, `${env.server.url}/table`)
    const player = await openPage(env.browser, `${env.server.url}/table`, { width: 800, height: 600 })
    const gmName = unique('gm')
    await signUp(gm.page, gmName)
    const playerName = unique('pl')
    await signUp(player.page, playerName)

    await seat(gm.page, player.page, 'The Sunken Crypt')

    await gm.page.getByLabel('Narration').fill('Cold air rises from the stairs below.')
    await gm.page.getByRole('button', { name: 'Narrate' }).click()
    await player.page.locator('[data-kind=narration]', { hasText: 'Cold air rises' }).waitFor()

    await player.page.getByLabel('Message').fill('I light a torch.')
    await player.page.getByRole('button', { name: 'Say', exact: true }).click()
    await gm.page.locator('[data-kind=chat]', { hasText: 'I light a torch.' }).waitFor()

    await player.page.getByLabel('Dice formula').fill('4d6kh3')
    await player.page.getByRole('button', { name: 'Roll', exact: true }).click()
    for (const p of [player.page, gm.page]) {
      const roll = p.locator('[data-kind=roll]').last().getByTestId('roll')
      await roll.waitFor()
      const dice = roll.locator('.die')
      await expect.poll(() => dice.count()).toBe(4)
      expect(await roll.locator('.die.dropped').count()).toBe(1)
      const values = (await dice.allTextContents()).map((t) => Number.parseInt(t, 10))
      const kept = [...values].sort((a, b) => b - a).slice(0, 3)
      const total = Number(await roll.getByTestId('roll-total').textContent())
      expect(total).toBe(kept.reduce((a, b) => a + b, 0))
    }

    // A bad formula is explained in words, not as a code.
    await player.page.getByLabel('Dice formula').fill('1d20 +')
    await player.page.getByRole('button', { name: 'Roll', exact: true }).click()
    await player.page.getByRole('alert').filter({ hasText: 'could not be read' }).waitFor()

    // The GM places tokens; the player drags their own across the grid.
    await gm.page.getByLabel('Token name').fill('Mira')
    await gm.page.getByLabel('Token owner').selectOption({ label: `${playerName}'s` })
    await gm.page.getByRole('button', { name: 'Place' }).click()
    await gm.page.getByLabel('Token name').fill('Goblin')
    await gm.page.getByLabel('Token owner').selectOption({ label: "GM's" })
    await gm.page.getByRole('button', { name: 'Place' }).click()
    const mira = player.page.locator('[data-token=Mira]')
    await mira.waitFor()
    await player.page.locator('[data-token=Goblin]').waitFor()
    const from = (await mira.boundingBox())!
    await player.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
    await player.page.mouse.down()
    await player.page.mouse.move(from.x + from.width * 4, from.y + from.height * 3, { steps: 8 })
    await player.page.mouse.up()
    await expect
      .poll(async () => (await gm.page.locator('[data-token=Mira]').getAttribute('transform')) ?? '')
      .not.toBe(await gm.page.locator('[data-token=Goblin]').getAttribute('transform'))
    const moved = async (p: typeof gm.page) => (await p.locator('[data-token=Mira]').boundingBox())!.x
    await expect
      .poll(() => moved(gm.page))
      .toBeGreaterThan((await gm.page.locator('[data-token=Goblin]').boundingBox())!.x + 20)

    // Initiative: the GM adds two combatants and rolls; the player sees the order.
    for (const [who, hp] of [
      ['Mira', '12'],
      ['Goblin', '7'],
    ] as const) {
      await gm.page.getByLabel('Combatant name').fill(who)
      await gm.page.getByLabel('HP').fill(hp)
      await gm.page.getByRole('button', { name: 'Add', exact: true }).click()
      await gm.page.getByTestId('initiative').getByText(who, { exact: true }).waitFor()
    }
    await gm.page.getByRole('button', { name: 'Roll initiative' }).click()
    await gm.page.getByRole('button', { name: 'Start combat' }).click()
    await player.page.getByTestId('initiative').getByText('Goblin', { exact: true }).waitFor()
    await player.page.getByTestId('initiative').locator('li.turn').waitFor()

    await gm.page.getByLabel('Message').fill('Roll for the door: [[1d20+2]]')
    await gm.page.getByRole('button', { name: 'Say', exact: true }).click()
    await player.page
      .locator('[data-kind=chat]', { hasText: 'Roll for the door' })
      .getByTestId('roll')
      .waitFor()

    // Chat commands: a whisper to the GM and a quick roll.
    await player.page.getByLabel('Message').fill(`/w ${gmName} I pocket the ring.`)
    await player.page.getByRole('button', { name: 'Say', exact: true }).click()
    await gm.page.locator('[data-kind=whisper]', { hasText: 'I pocket the ring.' }).waitFor()
    await gm.page.getByLabel('Message').fill('/r 2d6+1')
    await gm.page.getByRole('button', { name: 'Say', exact: true }).click()
    await player.page.locator('[data-kind=roll]', { hasText: '2d6' }).getByTestId('roll').waitFor()

    // The player's connection drops; what the GM says meanwhile arrives after the resume, without a reload.
    await player.page.getByTitle('Drop and resume the connection').click()
    await gm.page.getByLabel('Narration').fill('The door creaks open.')
    await gm.page.getByRole('button', { name: 'Narrate' }).click()
    await player.page.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 10_000 })
    await player.page.locator('[data-kind=narration]', { hasText: 'The door creaks open.' }).waitFor()

    await gm.page.waitForTimeout(300)
    await shot(gm.page, 'table')
    await shot(player.page, 'table-player')
    expect(gm.errors).toEqual([])
    expect(player.errors).toEqual([])
  }, 90_000)

  it('the GM hides and shows a token and covers and reveals an area with fog; the player sees only what they may', async () => {
    const gm = await openPage(env.browser, `${env.server.url}/table`)
    const player = await openPage(env.browser, `${env.server.url}/table`, { width: 1100, height: 700 })
    await signUp(gm.page, unique('gm'))
    const playerName = unique('pl')
    await signUp(player.page, playerName)
    await seat(gm.page, player.page, 'The Misty Ford')

    // Goblin lands on the first free cell (0,0), Mira on (1,0); Shade is placed hidden on (2,0).
    await place(gm.page, 'Goblin', "GM's")
    await place(gm.page, 'Mira', `${playerName}'s`)
    await place(gm.page, 'Shade', "GM's", true)
    const seen = (p: Page, name: string) => p.locator(`[data-token=${name}]`)
    await seen(player.page, 'Goblin').waitFor()
    await seen(player.page, 'Mira').waitFor()
    // The GM sees the hidden token, marked; the player never receives it.
    expect(await seen(gm.page, 'Shade').getAttribute('data-hidden')).toBe('true')
    await seen(gm.page, 'Shade').getByTestId('hidden-mark').waitFor()
    expect(await seen(player.page, 'Shade').count()).toBe(0)

    // Hide the goblin: a click selects it, the button hides it; the player's board drops it.
    await seen(gm.page, 'Goblin').click()
    await gm.page.getByTestId('token-visibility').filter({ hasText: 'Hide from players' }).click()
    await expect.poll(() => seen(gm.page, 'Goblin').getAttribute('data-hidden')).toBe('true')
    await seen(player.page, 'Goblin').waitFor({ state: 'detached' })
    await seen(player.page, 'Mira').waitFor()
    // …and show it again.
    await gm.page.getByTestId('token-visibility').filter({ hasText: 'Show to players' }).click()
    await seen(player.page, 'Goblin').waitFor()
    expect(await seen(player.page, 'Goblin').getAttribute('data-hidden')).toBe('false')
    // Every scene update so far has arrived: the hidden Shade is still not on the player's board.
    expect(await seen(player.page, 'Shade').count()).toBe(0)

    // The fog tool: drag from the goblin's cell two cells right and down to cover a 3×3 area.
    await gm.page.getByTestId('tool-fog').click()
    const from = await centre(gm.page, '[data-token=Goblin] circle')
    const cell = (await gm.page.locator('[data-token=Goblin] circle').boundingBox())!.width / 0.84
    await gm.page.mouse.move(from.x, from.y)
    await gm.page.mouse.down()
    await gm.page.mouse.move(from.x + cell * 2, from.y + cell * 2, { steps: 6 })
    await gm.page.getByTestId('fog-sketch').waitFor()
    await gm.page.mouse.up()
    const gmFog = gm.page.getByTestId('fog-area')
    await expect.poll(() => gmFog.count()).toBe(1)
    // Fog covers Goblin (0,0), Mira (1,0) and Shade (2,0): the player still sees Mira, their own token.
    const playerFog = player.page.getByTestId('fog-area')
    await expect.poll(() => playerFog.count()).toBe(1)
    await seen(player.page, 'Goblin').waitFor({ state: 'detached' })
    await seen(player.page, 'Mira').waitFor()
    expect(await seen(player.page, 'Shade').count()).toBe(0)
    // The GM still sees every token, over a translucent fog; the player's fog is opaque.
    await seen(gm.page, 'Goblin').waitFor()
    expect(await gmFog.getAttribute('fill')).toBe('url(#fog-hatch)')
    expect(await playerFog.getAttribute('fill')).toBe('#1b120c')
    expect(await playerFog.getAttribute('width')).toBe(await gmFog.getAttribute('width'))

    await gm.page.getByTestId('tool-move').click()
    await gm.page.mouse.move(0, 0)
    await gm.page.waitForTimeout(200)
    for (const [page, name] of [
      [gm.page, 'tavern-fog-gm'],
      [player.page, 'tavern-fog-player'],
    ] as const) {
      await shot(page, name)
      if (process.env.TAVERN_SCREENSHOTS) await page.screenshot({ path: `/tmp/${name}.png` })
    }

    // Reveal: the GM selects the fog area (its far corner is free of tokens) and lifts it.
    const box = (await gmFog.boundingBox())!
    await gm.page.mouse.click(box.x + box.width - cell / 2, box.y + box.height - cell / 2)
    await gm.page.getByTestId('fog-reveal').click()
    await expect.poll(() => playerFog.count()).toBe(0)
    await seen(player.page, 'Goblin').waitFor()
    expect(await gmFog.count()).toBe(0)
    expect(await seen(player.page, 'Shade').count()).toBe(0)

    // Fog again, then "Clear fog" lifts everything at once.
    await gm.page.getByTestId('tool-fog').click()
    const at = await centre(gm.page, '[data-token=Goblin] circle')
    await gm.page.mouse.move(at.x, at.y)
    await gm.page.mouse.down()
    await gm.page.mouse.up()
    await seen(player.page, 'Goblin').waitFor({ state: 'detached' })
    await gm.page.getByTestId('fog-clear').click()
    await seen(player.page, 'Goblin').waitFor()
    expect(await playerFog.count()).toBe(0)

    expect(gm.errors).toEqual([])
    expect(player.errors).toEqual([])
  }, 90_000)
})

describe('the table room state', () => {
  const token = (id: string, x: number, y: number, hidden = false): SceneToken => ({
    id,
    name: id,
    owner: null,
    x,
    y,
    hidden,
    image: null,
  })
  const room = (tokens: SceneToken[]): RoomState => ({
    session: {
      id: 's1',
      campaignId: 'c1',
      title: 'T',
      status: 'in_progress',
      phase: 'roleplay',
      scheduledAt: null,
      startedAt: 1,
      endedAt: null,
      createdAt: 1,
    },
    you: { userId: 'p1', username: 'pl', role: 'player' },
    members: [],
    fairness: { epoch: 0, commitment: 'c', defaultClientSeed: 'd' },
    combat: { active: false, round: 0, turnId: null, combatants: [], timerSeconds: null, turnEndsAt: null },
    scene: { mapUrl: null, grid: { w: 20, h: 20, cell: 50 }, tokens, fog: [] },
    recent: [],
    typing: [],
  })
  const apply = (s: RoomState, ...evs: RoomEvent[]) => evs.reduce(reduceRoom, s)
  const names = (s: RoomState) => s.scene.tokens.map((t) => `${t.id}@${t.x},${t.y}`)

  it('a token leaves the view when hidden or fogged and comes back once, where it now is', () => {
    const s0 = room([token('a', 0, 0), token('b', 1, 0)])
    const hidden = apply(s0, { type: 'table.token_hidden', p: { sessionId: 's1', tokenId: 'a' } })
    expect(names(hidden)).toEqual(['b@1,0'])
    // A move of a token the player no longer sees changes nothing.
    const moved = apply(hidden, {
      type: 'table.token_moved',
      p: { sessionId: 's1', tokenId: 'a', x: 5, y: 5, by: 'gm' },
    })
    expect(moved).toBe(hidden)
    const back = apply(
      moved,
      { type: 'table.token_shown', p: { sessionId: 's1', token: token('a', 3, 2) } },
      { type: 'table.token_shown', p: { sessionId: 's1', token: token('a', 3, 2) } },
    )
    expect(names(back)).toEqual(['b@1,0', 'a@3,2'])
  })

  it('the scene as sent replaces fog and tokens; events of other sessions are ignored', () => {
    const s0 = room([token('a', 0, 0)])
    const fogged = apply(s0, {
      type: 'table.scene_updated',
      p: { sessionId: 's1', scene: { ...s0.scene, tokens: [], fog: [{ id: 'f', x: 0, y: 0, w: 2, h: 2 }] } },
    })
    expect(fogged.scene.fog).toEqual([{ id: 'f', x: 0, y: 0, w: 2, h: 2 }])
    expect(fogged.scene.tokens).toEqual([])
    const elsewhere = apply(fogged, {
      type: 'table.scene_updated',
      p: { sessionId: 's2', scene: s0.scene },
    })
    expect(elsewhere).toBe(fogged)
    const lifted = apply(fogged, { type: 'table.scene_updated', p: { sessionId: 's1', scene: s0.scene } })
    expect(lifted.scene.fog).toEqual([])
    expect(names(lifted)).toEqual(['a@0,0'])
  })
})
