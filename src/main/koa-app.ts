// `createTaskportApp`: taskport as a Koa application, for a host that mounts it under its own prefix and brings its
// own database and authentication. It loads neither a database driver nor a logger: `startServer` (server.ts)
// adds those for `npm start`.
import type Koa from 'koa'
import type { CredentialCipher, EventNotifier, UnitOfWork } from '../application/index.js'
import { createTaskport, type Taskport } from '../application/taskport.js'
import { createHttpApp } from '../adapters/http/app.js'
import type { Authenticate } from '../adapters/http/authenticate.js'
import type { McpRouteOptions } from '../adapters/http/mcp-routes.js'
import type { HttpLogger } from '../adapters/http/middleware.js'
import type { RateLimitOptions } from '../adapters/http/rate-limit.js'
import type { McpService } from '../adapters/mcp/server.js'
import { nodeTokenSecrets, randomIds, systemClock } from '../adapters/system/index.js'
import { VENDOR_CLIENTS, WEBHOOK_VENDORS } from '../adapters/vendors/index.js'
import { requirePeers } from '../peers.js'
import { TASKPORT_VERSION, webhookUrlGuard, type WebhookNetworkOptions } from './webhook-delivery.js'

export interface TaskportAppOptions {
  readonly uow: UnitOfWork
  readonly authenticate: Authenticate
  /** Where the access log and errors go (a pino logger fits). */
  readonly logger?: HttpLogger
  readonly publicJwks?: object
  readonly databaseReady?: () => Promise<boolean>
  /** Seals vendor credentials (`aesGcmCipher(key)`); without it the integration routes answer 503. */
  readonly cipher?: CredentialCipher
  /** The task-sync rate limit; pass `{ redis }` when several processes must share it. */
  readonly rateLimit?: RateLimitOptions
  /**
   * Outgoing webhooks: where endpoint URLs may point, the retry schedule, and the host's delivery runner
   * (`createWebhookDelivery`), which a commit of events wakes at once. Without a runner, deliveries wait for one.
   */
  readonly webhooks?: WebhookNetworkOptions & { readonly retrySchedule?: readonly number[]; readonly delivery?: EventNotifier }
  /**
   * MCP for agents at POST /mcp (default on): `readOnly` serves only the read tools, `allowedOrigins` the browser
   * origins allowed to call it, `issuer` the authorization server named by the protected-resource document.
   * `false` leaves /mcp out.
   */
  readonly mcp?: false | { readonly readOnly?: boolean; readonly allowedOrigins?: readonly string[]; readonly issuer?: string }
}

/**
 * taskport as a Koa application, for a host that mounts it under its own prefix (e.g. with koa-mount) and
 * brings its own database (`mikroOrmUnitOfWork(orm)`, `openTaskportDatabase({ databaseUrl })`) and authentication.
 */
export const createTaskportApp = (options: TaskportAppOptions): Koa => {
  const taskport = createTaskport({
    uow: options.uow, clock: systemClock, ids: randomIds, secrets: nodeTokenSecrets, ...(options.cipher ? { cipher: options.cipher } : {}),
    webhooks: WEBHOOK_VENDORS, vendors: VENDOR_CLIENTS, urlGuard: webhookUrlGuard(options.webhooks),
    ...(options.webhooks?.retrySchedule ? { webhookRetrySchedule: options.webhooks.retrySchedule } : {}),
    ...(options.webhooks?.delivery ? { eventNotifier: options.webhooks.delivery } : {}),
  })
  return createHttpApp({
    taskport,
    authenticate: options.authenticate,
    databaseReady: options.databaseReady ?? (async () => true),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.publicJwks ? { publicJwks: options.publicJwks } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.mcp === false ? {} : { mcp: mcpRouteOptions(taskport, options.mcp ?? {}) }),
  })
}

/**
 * /mcp: the MCP SDK is an optional peer, checked now (a host without it gets one line saying what to install, or
 * to pass `mcp: false`) and loaded at the first call, so that an app that never serves an agent never loads it.
 */
const mcpRouteOptions = (taskport: Taskport, options: Exclude<TaskportAppOptions['mcp'], false | undefined>): McpRouteOptions => {
  requirePeers('createTaskportApp serves MCP at /mcp (pass mcp: false to leave it out) and', ['@modelcontextprotocol/sdk'])
  let service: Promise<McpService> | undefined
  return {
    service: () => (service ??= import('../adapters/mcp/server.js').then((m) => m.mcpService(taskport, { readOnly: options.readOnly ?? false, version: TASKPORT_VERSION }))),
    allowedOrigins: options.allowedOrigins ?? [],
    issuer: options.issuer,
  }
}


