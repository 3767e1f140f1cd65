import { describe, expect, it } from 'vitest'
import { openPage, serverAndBrowser, shot, signUp } from './browser.ts'

const unique = (p: string) => `${p}${Date.now() % 1_000_000}${Math.floor(Math.random() * 100)}`

describe('the table page in a browser', () => {
  const env = serverAndBrowser()

  it('a GM opens a table, a player joins by code, they chat and roll 4d6kh3 with every die shown', async () => {
    const gm = await openPage(env.browser, `${env.server.url}/table`)
    const player = await openPage(env.browser, `${env.server.url}/table`, { width: 800, height: 600 })
    const gmName = unique('gm')
    await signUp(gm.page, gmName)
    const playerName = unique('pl')
    await signUp(player.page, playerName)

    await gm.page.getByLabel('Adventure name').fill('The Sunken Crypt')
    await gm.page.getByRole('button', { name: 'Open a table' }).click()
    await gm.page.getByTestId('table-title').filter({ hasText: 'The Sunken Crypt' }).waitFor()
    await gm.page.getByRole('button', { name: 'Invite' }).click()
    const code = (await gm.page.getByTestId('invite-code').textContent())!.trim()
    expect(code.length).toBeGreaterThanOrEqual(4)

    await player.page.getByLabel('Invite code').fill(code)
    await player.page.getByRole('button', { name: 'Join by code' }).click()
    await player.page.getByTestId('table-title').filter({ hasText: 'The Sunken Crypt' }).waitFor()
    await gm.page.getByTestId('members').getByText(/^pl/).waitFor()

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
})
