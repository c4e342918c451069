// The implementation of `taskport/koa` (src/koa.ts loads it once its peers are known to be installed), and the
// declarations TypeScript sees for that entry point (package.json `types`). The core's types that its signatures
// use (UnitOfWork, Taskport, Caller, …) are named from `taskport`.
export { createTaskportApp, type TaskportAppOptions } from './main/koa-app.js'
export { AuthUnavailable, type Authenticate } from './adapters/http/authenticate.js'
export type { HttpLogger } from './adapters/http/middleware.js'
export type { RateLimitOptions, RedisClient } from './adapters/http/rate-limit.js'
export { jwksAuthenticator, principalFromClaims, type JwksOptions } from './adapters/auth/jwks-authenticator.js'
export { cachingAuthenticator, type VerifiedTokenCacheOptions } from './adapters/auth/verified-token-cache.js'
export { openApiDocument } from './adapters/http/openapi.js'
export { createWebhookDelivery, type WebhookDeliveryOptions, type WebhookNetworkOptions } from './main/webhook-delivery.js'
export type { DeliveryRunner, RunnerLogger } from './adapters/webhooks/delivery-runner.js'
export type { Lookup } from './adapters/webhooks/address-guard.js'
