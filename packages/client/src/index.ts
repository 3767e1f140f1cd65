export { TavernError } from '@tavern/protocol'
export { type BackoffOptions, backoffDelay } from './backoff.ts'
export {
  type ConnectionState,
  TavernClient,
  type TavernClientOptions,
  type WebSocketFactory,
  type WebSocketLike,
  type Welcome,
} from './client.ts'
export { type AuthTokens, RestClient } from './rest.ts'
