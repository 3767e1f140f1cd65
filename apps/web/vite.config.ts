import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const server = process.env.TAVERN_URL ?? 'http://127.0.0.1:4000'

// In development Vite serves the client and forwards the API and the socket to a running Tavern.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: {
    proxy: {
      '/api': server,
      '/ws': { target: server, ws: true },
    },
  },
})
