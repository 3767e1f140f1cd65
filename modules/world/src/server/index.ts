/** The world module for the Tavern server (Node only; the rules and maps are in the package root). */

export { playerDied, respawn } from './combat.ts'
export { type WorldConfig, worldConfig } from './config.ts'
export { type LoadedWorld, loadWorldContent, STARTER_CONTENT_DIR } from './content.ts'
export { worldModule } from './module.ts'
export { WorldService } from './service.ts'
export type { GroundRecord, PlayerRecord } from './store.ts'
