// Helpers for Tavern's own tests and for module authors' tests; not part of the server's runtime API.
export { createMemoryBroker, type MemoryBroker } from '../hot/bus-memory.ts'
export { MemoryKeyspace } from '../hot/memory.ts'

export { startTestServer, type TestServer, type TestServerOptions } from './server.ts'
export {
  openTestBus,
  openTestDatabase,
  openTestHotStore,
  PGLITE_TEMPLATE_ENV,
  type TestBusOptions,
  type TestDatabaseKind,
  type TestDatabaseOptions,
  type TestHotKind,
  type TestHotStoreOptions,
  type TestStackKind,
  testDatabaseUrl,
  testStackKind,
  testValkeyUrl,
  uniqueTestName,
} from './stack.ts'
