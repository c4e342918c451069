// Entry point `taskport/koa`: the REST service as a Koa application, to run or to mount inside a host service.
export { createTaskportApp, type TaskportAppOptions } from './main/server.js'
export { createHttpApp, createRouter, type HttpDeps } from './adapters/http/app.js'
export { AuthUnavailable, type Authenticate } from './adapters/http/authenticate.js'
export { jwksAuthenticator, principalFromClaims, type JwksOptions } from './adapters/auth/jwks-authenticator.js'
export { loadDevKeys, DEV_AUDIENCE, DEV_ISSUER, type DevKeys } from './adapters/auth/dev-keys.js'
export { openApiDocument } from './adapters/http/openapi.js'
export { BoundedLimitMap, type RateLimitOptions } from './adapters/http/rate-limit.js'
export { connectRedis } from './main/redis.js'
