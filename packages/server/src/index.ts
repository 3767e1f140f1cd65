/** @tavern/server — the core: kernel, module contract, stores, state layer, scheduler, gateway. */

export { type AccountsApi, type AccountUser, type Claims, roleAtLeast } from './accounts/module.ts'
export type { Clock } from './clock.ts'
export { ManualClock, systemClock } from './clock.ts'
export { type ConfigInput, loadConfig, settings, type TavernConfig } from './config.ts'
export { flat } from './flat.ts'
export type { Bus, HotOp, HotStore } from './hot/types.ts'
export { bearerToken, currentUser, requireUser } from './http/auth-guard.ts'
export { errorResponses, unwrap } from './http/errors.ts'
export { createKernel, type Kernel, type KernelOptions } from './kernel.ts'
export {
  type DisconnectReason,
  defineModule,
  type ModuleApis,
  type ModuleContext,
  type ModuleDefinition,
  Rejection,
  type RequestContext,
  type RequestHandler,
  reject,
  type Session,
  type SessionEndReason,
  type SessionHooks,
  type Sessions,
  type SystemDef,
} from './module.ts'
export { createRandom, type Random } from './random.ts'
export type { Scheduler, TickLoop, TimedEvent } from './scheduler/types.ts'
export { intSetting, listSetting } from './settings-schema.ts'
export type { JournalHandle, JournalSpec, StateHandle, StateKindSpec, StateLayer } from './state/types.ts'
export { bulkInsert, bulkInsertJson, bulkUpsert, type JsonColumns } from './storage/bulk.ts'
export type { Database, Migration, Row, Sql } from './storage/sql.ts'
