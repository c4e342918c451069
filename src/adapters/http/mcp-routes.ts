// MCP over streamable HTTP on the Koa app: POST /mcp, stateless (no session, so any instance behind a load
// balancer answers any call), authenticated exactly like the REST API, with the RFC 9728 protected-resource
// document and its `WWW-Authenticate` challenge, and Origin checking. The POST side of the transport's rules, in
// JSON-response mode, as the SDK's StreamableHTTPServerTransport applies them: Content-Type (415), batches of at
// most 100, one initialize per POST, a supported MCP-Protocol-Version, 202 when nothing asks for an answer; then
// the messages go to the MCP service and its answers come back as one JSON body. Refusals outside JSON-RPC are
// in the contract's error shape.
import type Router from '@koa/router'
import * as E from 'fp-ts/lib/Either.js'
import type { Taskport } from '../../application/taskport.js'
import type { McpService } from '../mcp/server.js'
import { AuthUnavailable, type Authenticate } from './authenticate.js'
import { fail, type Ctx } from './http-context.js'
import { webhookBase } from './integration-routes.js'
import { problem, problemOf } from './problem.js'

export interface McpRouteOptions {
  /** The MCP service, loaded at the first call (its SDK is an optional peer). */
  readonly service: () => Promise<McpService>
  /** TASKPORT_MCP_ALLOWED_ORIGINS: a request with another `Origin` header is refused (403). */
  readonly allowedOrigins: readonly string[]
  /** The authorization server of the protected-resource document (AUTH_ISSUER, or the development issuer). */
  readonly issuer: string | undefined
}

export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource'

const jsonRpcError = (ctx: Ctx, status: number, code: number, message: string) => {
  ctx.status = status
  ctx.body = { jsonrpc: '2.0', error: { code, message }, id: null }
}

export const mcpRoutes = (router: Router, tp: Taskport, authenticate: Authenticate, options: McpRouteOptions): void => {
  router.get(PROTECTED_RESOURCE_PATH, (ctx: Ctx) => {
    const base = webhookBase(ctx)
    ctx.body = { resource: `${base}/mcp`, authorization_servers: options.issuer ? [options.issuer] : [], bearer_methods_supported: ['header'] }
  })
  router.post('/mcp', async (ctx: Ctx) => {
    const origin = ctx.get('Origin')
    if (origin && !options.allowedOrigins.includes(origin)) fail(problem(403, 'forbidden', `Origin ${origin} may not call /mcp (TASKPORT_MCP_ALLOWED_ORIGINS)`))
    const challenge = () => ctx.set('WWW-Authenticate', `Bearer resource_metadata="${webhookBase(ctx)}${PROTECTED_RESOURCE_PATH}"`)
    let principal
    try {
      principal = await authenticate(ctx.get('Authorization') || undefined)
    } catch (error) {
      if (!(error instanceof AuthUnavailable)) throw error
      ctx.set('Retry-After', '30')
      fail(problem(503, 'service_unavailable', 'Authentication service unavailable'))
    }
    if (!principal || E.isLeft(principal)) {
      challenge()
      fail(principal ? problemOf(principal.left) : problem(401, 'unauthorized', 'Authentication required'))
      return
    }
    const caller = await tp.identify(principal.right)
    if (E.isLeft(caller)) {
      if (caller.left._tag === 'Unauthorized') challenge()
      fail(problemOf(caller.left))
      return
    }
    // Accept is not checked (the SDK's transport answers 406 without both JSON and SSE): every answer here is JSON.
    if (!ctx.is('application/json')) fail(problem(415, 'unsupported_media_type', 'Content-Type must be application/json for /mcp'))
    if (ctx.state.unparsable !== undefined) return jsonRpcError(ctx, 400, -32700, `Parse error: ${ctx.state.unparsable}`)
    const outcome = await (await options.service()).post(ctx.state.body, ctx.get('MCP-Protocol-Version') || undefined, caller.right)
    switch (outcome.kind) {
      case 'invalid':
        return jsonRpcError(ctx, 400, outcome.code, outcome.message)
      case 'unsupported-version':
        return fail(problem(400, 'validation_error', `MCP-Protocol-Version: ${outcome.message}`, { errors: [{ path: 'MCP-Protocol-Version', message: outcome.message }] }))
      case 'accepted':
        // Accepted, with no body (Koa would otherwise write its status text).
        ctx.status = 202
        ctx.body = ''
        ctx.remove('Content-Type')
        return
      case 'answer':
        ctx.body = outcome.body
    }
  })
  const notAllowed = (ctx: Ctx) => {
    ctx.set('Allow', 'POST')
    fail(problem(405, 'method_not_allowed', `${ctx.method} is not allowed on /mcp: this server is stateless (POST only)`))
  }
  router.get('/mcp', notAllowed)
  router.delete('/mcp', notAllowed)
}
