import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { NODE_FLAGS } from '../../apps/server/src/node-flags.ts'

/**
 * Spawns a TypeScript server through tsx, with the Node.js flags `npm start` uses, and waits for its first stdout
 * line `{"url": …}`.
 */
export async function spawnServer(
  script: string,
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_NODE_ARGS passes flags to the server only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" or "--trace-gc".
  const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const args = [...NODE_FLAGS, ...extra, '--import', 'tsx', script]
  // BENCH_PIN=1: the server on CPU 0, this process (the load) on CPU 1, so neither steals the other's core.
  const pin = process.env.BENCH_PIN === '1'
  if (pin) execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' })
  const child = spawn(
    pin ? 'taskset' : process.execPath,
    pin ? ['-c', '0', process.execPath, ...args] : args,
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const lines = createInterface({ input: child.stdout! })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 60_000)
    // Lines before it (a flag like --trace-gc writes to stdout) go to stderr.
    lines.on('line', (line) => {
      if (!line.startsWith('{"url"')) return void process.stderr.write(`[server] ${line}\n`)
      clearTimeout(timer)
      resolve((JSON.parse(line) as { url: string }).url)
    })
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  return { url, child }
}

/** Stops a child by PID and waits for it. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const t = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(t)
}

/** CPU seconds (user+system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return Number.NaN
  }
}
