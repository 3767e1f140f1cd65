import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'modules/*/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'tools/*/test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep the number of concurrent PGlite instances and servers small.
    maxWorkers: 2,
    globalSetup: ['packages/server/test/global-setup.ts'],
  },
})
