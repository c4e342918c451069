// Entry point `taskport/koa`: the REST service (and MCP at /mcp) as a Koa application, to run or to mount inside a
// host service, with JWKS authentication and the outgoing-webhook delivery runner. Its peers: koa, @koa/router,
// koa-ratelimit, jose (and @modelcontextprotocol/sdk for /mcp, @octokit/* for GitHub, ioredis for a shared rate
// limit, each checked when that feature is used).
import type * as Api from './koa-api.js'
import { loadEntry } from './peers.js'

export type {
  Authenticate, DeliveryRunner, HttpLogger, JwksOptions, RateLimitOptions, RedisClient, TaskportAppOptions, VerifiedTokenCacheOptions,
  WebhookDeliveryOptions, WebhookNetworkOptions,
} from './koa-api.js'

const api = loadEntry<typeof Api>(import.meta.url, 'taskport/koa', ['koa', '@koa/router', 'koa-ratelimit', 'jose'], './koa-api.js')

export const {
  createTaskportApp, AuthUnavailable, jwksAuthenticator, principalFromClaims, cachingAuthenticator, openApiDocument, connectRedis, createWebhookDelivery,
} = api
export type AuthUnavailable = Api.AuthUnavailable
