export type { TableConfig } from './config.ts'
export * from './dice/index.ts'
export { tableModule } from './module.ts'
export type { TableService } from './service.ts'
