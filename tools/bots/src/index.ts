/** Headless Tavern players: `WorldBot` plays through the SDK; `RawBot` is a minimal client for load tests. */

export { RawBot, type RawBotStats, registerAccounts } from './raw-bot.ts'
export { type BotOptions, WorldBot } from './world-bot.ts'
