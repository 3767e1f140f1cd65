import { dropStaleTestSchemas, ensurePgliteTemplate } from '../src/testing/stack.ts'

/**
 * Runs once per test run, before any worker starts. A fresh PGlite takes seconds to initialise, so one blank
 * database is initialised and dumped to a file (named by `TAVERN_TEST_PGLITE_TEMPLATE`) that every
 * `openTestDatabase('pglite')` loads in ≈0.5 s. The dump is kept between runs, keyed by the PGlite version.
 */
export async function setup(): Promise<void> {
  // Sets the environment variable here; workers inherit this process's environment.
  await Promise.all([ensurePgliteTemplate(), dropStaleTestSchemas()])
}
