// The Koa adapter: routes only decode input, call a use case and encode its result. `createHttpApp` returns a
// Koa application that a host can run as it is or mount under its own prefix.
import Router from '@koa/router'
import * as E from 'fp-ts/lib/Either.js'
import Koa, { type Next } from 'koa'
import type { Taskport } from '../../application/taskport.js'
import { agentRoutes } from './agent-routes.js'
import { docsRoutes } from './docs-routes.js'
import { AuthUnavailable, type Authenticate } from './authenticate.js'
import { HttpProblem, type Ctx } from './http-context.js'
import { accessLog, cors, errors, jsonBody, queryText, requestId, trailingSlash, WEBHOOK_PATH, type HttpLogger } from './middleware.js'
import { problem, problemOf } from './problem.js'
import { projectRoutes } from './project-routes.js'
import { taskRoutes } from './task-routes.js'
import { taskSyncRateLimit, type RateLimitOptions } from './rate-limit.js'
import { bearerToken, syncRoutes, TASK_SYNC_PATH } from './sync-routes.js'
import { integrationRoutes } from './integration-routes.js'
import { webhookRoutes } from './webhook-routes.js'
import { mcpRoutes, type McpRouteOptions } from './mcp-routes.js'
import { RAW_TOKEN_PATTERN } from '../../domain/index.js'
import { isIdText } from './decode.js'
import { idempotencyKeys } from './idempotency.js'

export interface HttpDeps {
  readonly taskport: Taskport
  readonly authenticate: Authenticate
  /** Readiness of the database (GET /health/ready). */
  readonly databaseReady: () => Promise<boolean>
  readonly logger?: HttpLogger
  /** Development mode: the public key set served at /.well-known/jwks.json. */
  readonly publicJwks?: object
  /** Allowed CORS origin (default `*`). */
  readonly corsOrigin?: string
  /** The task-sync rate limit (default: 100 per minute per project, in-process). */
  readonly rateLimit?: RateLimitOptions
  /** MCP for agents at POST /mcp; without it, /mcp is not served. */
  readonly mcp?: McpRouteOptions
}

const silent: HttpLogger = { info: () => undefined, error: () => undefined }

/**
 * Task-sync pushes carry a project API token, not a JWT: a missing or malformed one is refused before it costs
 * anything (and before it counts against the project's limit); the rest are rate-limited per project and
 * checked against the database by the use case.
 */
const taskSyncGate = (deps: HttpDeps) => {
  const limit = taskSyncRateLimit(deps.rateLimit ?? {}, deps.logger ?? silent)
  return async (ctx: Ctx, next: Next) => {
    const match = TASK_SYNC_PATH.exec(ctx.path)
    if (!match || ctx.method !== 'POST') return next()
    const projectId = match[1] ?? ''
    if (!isIdText(projectId)) throw new HttpProblem(problem(404, 'not_found', `No resource at ${ctx.path}`))
    const token = bearerToken(ctx)
    if (token === undefined || !RAW_TOKEN_PATTERN.test(token)) {
      ctx.set('WWW-Authenticate', 'Bearer')
      throw new HttpProblem(problem(401, 'unauthorized', 'A project API token is required: Authorization: Bearer <64 hex characters>'))
    }
    await limit(ctx, projectId, next)
  }
}

/** Authenticates every other /api request with a JWT and resolves the caller (first login provisions it). */
const authentication = (deps: HttpDeps) => async (ctx: Ctx, next: Next) => {
  if ((ctx.path === '/api' || ctx.path.startsWith('/api/')) && !TASK_SYNC_PATH.test(ctx.path) && !WEBHOOK_PATH.test(ctx.path)) {
    let principal
    try {
      principal = await deps.authenticate(ctx.get('Authorization') || undefined)
    } catch (error) {
      if (error instanceof AuthUnavailable) {
        ctx.set('Retry-After', '30')
        throw new HttpProblem(problem(503, 'service_unavailable', 'Authentication service unavailable'))
      }
      throw error
    }
    if (E.isLeft(principal)) throw new HttpProblem(problemOf(principal.left))
    const caller = await deps.taskport.identify(principal.right)
    if (E.isLeft(caller)) throw new HttpProblem(problemOf(caller.left))
    ctx.state.caller = caller.right
  }
  await next()
}

/** The router with every route of the service (exported for the OpenAPI drift test). */
export const createRouter = (deps: HttpDeps): Router => {
  const router = new Router()
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' }
  })
  router.get('/health/ready', async (ctx) => {
    const ok = await deps.databaseReady().catch(() => false)
    ctx.status = ok ? 200 : 503
    if (!ok) ctx.set('Retry-After', '5')
    // The contract's readiness fields, inside the contract's error shape when unavailable.
    ctx.body = ok
      ? { status: 'ready', database: 'ok' }
      : { ...problem(503, 'service_unavailable', 'Database unavailable').body, status: 'unavailable', database: 'unavailable' }
  })
  if (deps.publicJwks) {
    const jwks = deps.publicJwks
    router.get('/.well-known/jwks.json', (ctx) => {
      ctx.body = jwks
    })
  }
  docsRoutes(router)
  projectRoutes(router, deps.taskport)
  agentRoutes(router, deps.taskport)
  taskRoutes(router, deps.taskport)
  syncRoutes(router, deps.taskport)
  integrationRoutes(router, deps.taskport)
  webhookRoutes(router, deps.taskport)
  if (deps.mcp) mcpRoutes(router, deps.taskport, deps.authenticate, deps.mcp)
  return router
}

export const createHttpApp = (deps: HttpDeps): Koa => {
  const app = new Koa()
  const router = createRouter(deps)
  app.use(requestId)
  app.use(cors(deps.corsOrigin ?? '*'))
  app.use(accessLog(deps.logger ?? silent))
  app.use(errors(deps.logger ?? silent))
  app.use(trailingSlash)
  app.use(taskSyncGate(deps))
  app.use(authentication(deps))
  app.use(queryText)
  app.use(jsonBody)
  app.use(idempotencyKeys(deps.taskport))
  app.use(router.routes())
  app.use(router.allowedMethods())
  return app
}
