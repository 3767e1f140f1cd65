import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTestServer, type TestServer } from '@tavern/server/testing'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { builtinModules } from '../../server/src/app.ts'

const here = dirname(fileURLToPath(import.meta.url))
/** Screenshots land here (git-ignored); CI keeps them as artifacts. */
export const artifacts = resolve(here, '../../../test-artifacts/web')

/** The flags that make Debian's Chromium behave headless on these machines (never a downloaded browser). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Builds apps/web when its dist is missing or stale, so the server has a client to serve. */
export function ensureBuilt(): void {
  execFileSync(process.execPath, [resolve(here, '../scripts/ensure-built.mjs')], { stdio: 'inherit' })
}

/** Launches /usr/bin/chromium (playwright-core gives it a fresh profile directory). */
export async function launch(): Promise<Browser> {
  const executablePath = process.env.TAVERN_CHROMIUM ?? '/usr/bin/chromium'
  if (!existsSync(executablePath)) throw new Error(`${executablePath} is missing: run .ci/browsers`)
  mkdirSync(artifacts, { recursive: true })
  return chromium.launch({ executablePath, args: FLAGS, headless: true })
}

/** A page that fails the test on console errors and uncaught exceptions. */
export async function openPage(
  browser: Browser,
  url: string,
  size = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: size })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(url)
  return { context, page, errors }
}

/** Signs up through the login form. */
export async function signUp(page: Page, name: string, password = 'correct horse battery'): Promise<void> {
  await page.getByRole('button', { name: 'Sign up' }).click()
  await page.fill('#username', name)
  await page.fill('#password', password)
  await page.getByRole('button', { name: 'Create my character' }).click()
  await page.locator('[data-testid=connection][data-state=open]').waitFor()
}

/** Saves a screenshot under test-artifacts/web. */
export async function shot(page: Page, name: string): Promise<string> {
  const file = join(artifacts, `${name}.png`)
  await page.screenshot({ path: file })
  return file
}

/** Starts Tavern with every built-in module and Chromium for one test file, and stops both after it. */
export function serverAndBrowser(): { readonly server: TestServer; readonly browser: Browser } {
  const env = {} as { server: TestServer; browser: Browser }
  beforeAll(async () => {
    ensureBuilt()
    ;[env.server, env.browser] = await Promise.all([
      startTestServer({ modules: Object.values(builtinModules) }),
      launch(),
    ])
  }, 120_000)
  afterAll(async () => {
    await env.browser?.close()
    await env.server?.close()
  })
  return env
}
