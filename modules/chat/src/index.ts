export type { ChannelOptions } from './channels.ts'
export type { ChatConfig } from './config.ts'
export { type ChatApi, chatModule } from './module.ts'
