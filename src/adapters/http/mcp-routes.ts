// MCP over streamable HTTP on the Koa app: POST /mcp, stateless (a server and a transport per request, so any
// instance behind a load balancer answers any call), authenticated exactly like the REST API, with the RFC 9728
// protected-resource document and its `WWW-Authenticate` challenge, and Origin checking.
import type Router from '@koa/router'
import * as E from 'fp-ts/lib/Either.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js'
import type { Taskport } from '../../application/taskport.js'
import { connect, type McpServerFactory } from '../mcp/server.js'
import { AuthUnavailable, type Authenticate } from './authenticate.js'
import { fail, type Ctx } from './http-context.js'
import { webhookBase } from './integration-routes.js'
import { problem, problemOf } from './problem.js'

export interface McpRouteOptions {
  readonly factory: McpServerFactory
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
    if (ctx.state.unparsable !== undefined) return jsonRpcError(ctx, 400, -32700, `Parse error: ${ctx.state.unparsable}`)
    // JSON that is not JSON-RPC is an Invalid Request (-32600), not a parse error (which the SDK would answer).
    const messages: unknown[] = Array.isArray(ctx.state.body) ? ctx.state.body : [ctx.state.body]
    if (messages.length === 0 || messages.some((m) => !JSONRPCMessageSchema.safeParse(m).success)) {
      return jsonRpcError(ctx, 400, -32600, 'Invalid Request: not a JSON-RPC 2.0 message')
    }
    const server = options.factory.create(caller.right)
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    ctx.res.on('close', () => {
      void transport.close()
      void server.close()
    })
    await connect(server, transport)
    ctx.respond = false
    await transport.handleRequest(ctx.req, ctx.res, ctx.state.body)
  })
  const notAllowed = (ctx: Ctx) => {
    ctx.set('Allow', 'POST')
    fail(problem(405, 'method_not_allowed', `${ctx.method} is not allowed on /mcp: this server is stateless (POST only)`))
  }
  router.get('/mcp', notAllowed)
  router.delete('/mcp', notAllowed)
}
