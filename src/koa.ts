// Entry point `taskport/koa` at run time: the REST service (and MCP at /mcp) as a Koa application, to run or to
// mount inside a host service, with JWKS authentication and the outgoing-webhook delivery runner. Its peers are
// checked before any of them loads: koa, @koa/router, koa-ratelimit, jose (and, when that feature is used,
// @modelcontextprotocol/sdk for /mcp, @octokit/* for GitHub). Its declarations are those of ./koa-api.ts.
import type * as Api from './koa-api.js'
import { loadEntry } from './peers.js'

const api = loadEntry<typeof Api>(import.meta.url, 'taskport/koa', ['koa', '@koa/router', 'koa-ratelimit', 'jose'], './koa-api.js')

export const { createTaskportApp, AuthUnavailable, jwksAuthenticator, principalFromClaims, cachingAuthenticator, openApiDocument, createWebhookDelivery } = api
