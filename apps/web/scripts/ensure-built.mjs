// Builds the browser client before `npm start` (and before the browser tests) when apps/web/dist is missing or
// older than its sources, so a fresh clone's `npm install && npm start` serves it.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const built = join(root, 'dist', 'index.html')
const vite = join(root, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js')

function newest(path) {
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  let m = s.mtimeMs
  for (const name of readdirSync(path)) m = Math.max(m, newest(join(path, name)))
  return m
}

const stale = () =>
  !existsSync(built) ||
  Math.max(newest(join(root, 'src')), newest(join(root, 'index.html'))) > statSync(built).mtimeMs

// Several test files may ask at once: one builds, the others wait for it (mkdir is atomic).
const lock = join(root, 'dist.lock')
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

if (stale()) {
  const started = Date.now()
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0
      if (age > 180_000) rmSync(lock, { recursive: true, force: true })
      if (Date.now() - started > 240_000) throw new Error(`${lock} is held for too long`)
      sleep(200)
    }
  }
  try {
    if (stale()) {
      process.stdout.write('Building the browser client (apps/web)…\n')
      // Always the production build: a test runner's NODE_ENV=test would otherwise ship React's development
      // build (half again the size, and slower), and `npm start` would then serve it.
      execFileSync(process.execPath, [vite, 'build'], {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, NODE_ENV: 'production' },
      })
    }
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
