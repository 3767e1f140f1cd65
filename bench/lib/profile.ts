import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { join } from 'node:path'

/**
 * For a benchmark server: with BENCH_PROFILE=<dir> set, SIGUSR2 starts a CPU profile and the next SIGUSR2 writes it
 * to <dir>, so a profile covers just a measurement window (not start-up). The benchmark sends the signals.
 */
export function profileOnSignal(): void {
  const dir = process.env.BENCH_PROFILE
  if (!dir) return
  const session = new Session()
  session.connect()
  let running = false
  let n = 0
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true
      session.post('Profiler.enable', () => session.post('Profiler.start'))
      return
    }
    running = false
    session.post('Profiler.stop', (err, res) => {
      if (!err)
        writeFileSync(join(dir, `server-${process.pid}-${++n}.cpuprofile`), JSON.stringify(res.profile))
    })
  })
}

/** For a benchmark: toggles the server's profile window (see `profileOnSignal`). */
export function toggleProfile(pid: number | undefined): void {
  if (process.env.BENCH_PROFILE && pid) process.kill(pid, 'SIGUSR2')
}
