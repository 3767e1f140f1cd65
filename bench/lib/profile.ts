import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { join } from 'node:path'

/**
 * For a benchmark server: with BENCH_PROFILE=<dir> set, SIGUSR2 starts a CPU profile and the next SIGUSR2 writes it
 * to <dir>, so a profile covers just a measurement window (not start-up). The benchmark sends the signals. With
 * BENCH_PROFILE_HEAP=1 the same window also samples allocations: the `.heapprofile` written at its end holds what
 * was allocated in the window and not yet collected (live data, and garbage the next major GC will sweep).
 */
export function profileOnSignal(): void {
  const dir = process.env.BENCH_PROFILE
  if (!dir) return
  const heap = process.env.BENCH_PROFILE_HEAP === '1'
  const session = new Session()
  session.connect()
  let running = false
  let n = 0
  const write = (ext: string, data: unknown) =>
    writeFileSync(join(dir, `server-${process.pid}-${n}.${ext}`), JSON.stringify(data))
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true
      n++
      session.post('Profiler.enable', () => session.post('Profiler.start'))
      if (heap)
        session.post('HeapProfiler.startSampling', {
          samplingInterval: 32_768,
          includeObjectsCollectedByMajorGC: process.env.BENCH_PROFILE_HEAP_PROMOTED === '1',
        })
      return
    }
    running = false
    session.post('Profiler.stop', (err, res) => {
      if (!err) write('cpuprofile', res.profile)
    })
    if (heap)
      session.post('HeapProfiler.stopSampling', (err, res) => {
        if (!err) write('heapprofile', res.profile)
      })
  })
}

/** For a benchmark: toggles the server's profile window (see `profileOnSignal`). */
export function toggleProfile(pid: number | undefined): void {
  if (process.env.BENCH_PROFILE && pid) process.kill(pid, 'SIGUSR2')
}
