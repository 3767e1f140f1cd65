import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

const server = process.env.TAVERN_URL ?? 'http://127.0.0.1:4000'

/** Text files of the build worth compressing once at build time (images and fonts are compressed already). */
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/

/**
 * Writes a `.br` and a `.gz` beside every text file of the build, which the server sends to browsers that accept
 * them (`preCompressed`): the bundle costs its compression once, at build time, not on every request.
 */
function precompress(): Plugin {
  let outDir = ''
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (COMPRESSIBLE.test(name)) {
        const raw = readFileSync(path)
        const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
        const gz = gzipSync(raw, { level: 9 })
        // A file too small to shrink is sent as it is.
        if (br.length < raw.length) writeFileSync(`${path}.br`, br)
        if (gz.length < raw.length) writeFileSync(`${path}.gz`, gz)
      }
    }
  }
  return {
    name: 'tavern-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    closeBundle() {
      walk(outDir)
    },
  }
}

// In development Vite serves the client and forwards the API and the socket to a running Tavern.
export default defineConfig({
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: {
    proxy: {
      '/api': server,
      '/ws': { target: server, ws: true },
    },
  },
})
