// Idempotency-Key on every POST, PUT, PATCH and DELETE under /api (the contract's section of that name): the rest
// of the request runs inside `taskport.idempotency.run`, whose transaction its use case joins, and the answer it
// gives is kept under the caller's key. A repeat is answered from the record, with `Idempotent-Replayed: true`.
import { createHash } from 'node:crypto'
import type { Next } from 'koa'
import { canonicalJson, IDEMPOTENCY_KEY_PATTERN, isStorable, type IdempotentResponse } from '../../application/index.js'
import type { Taskport } from '../../application/taskport.js'
import { HttpProblem, type Ctx } from './http-context.js'
import { WEBHOOK_PATH } from './middleware.js'
import { problem } from './problem.js'
import { bearerToken, TASK_SYNC_PATH } from './sync-routes.js'

const METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** The headers a route sets that belong to its answer (the others, like RateLimit-*, belong to each request). */
const KEPT_HEADERS = ['content-type', 'cache-control', 'location', 'x-taskport-replayed'] as const

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

/** Whose key it is: the worker of the JWT, the project API token of a task-sync push, the integration of a vendor webhook. */
const scopeOf = (ctx: Ctx): string | undefined => {
  if (ctx.state.caller) return `worker:${ctx.state.caller.worker.id}`
  if (TASK_SYNC_PATH.test(ctx.path)) {
    const token = bearerToken(ctx)
    return token === undefined ? undefined : `api-token:${sha256(token)}`
  }
  if (WEBHOOK_PATH.test(ctx.path)) return `integration:${ctx.path.split('/')[3] ?? ''}`
  return undefined
}

/** Method, path with its query string, and the body (canonical JSON; a vendor's form or unreadable body as bytes). */
const fingerprintOf = (ctx: Ctx): string =>
  sha256(Buffer.concat([
    Buffer.from(`${ctx.method} ${ctx.path}${ctx.querystring ? `?${ctx.querystring}` : ''}\n`),
    ctx.state.body !== undefined ? Buffer.from(canonicalJson(ctx.state.body)) : (ctx.state.rawBody ?? Buffer.alloc(0)),
  ]))

const responseOf = (ctx: Ctx): IdempotentResponse => {
  const headers: Record<string, string> = {}
  for (const name of KEPT_HEADERS) {
    const value = ctx.response.get(name)
    if (value) headers[name] = value
  }
  const body: unknown = ctx.body
  return { status: ctx.status, body: body === undefined || body === null ? null : typeof body === 'string' ? body : JSON.stringify(body), headers }
}

const invalidKey = (): HttpProblem => {
  const message = 'must be 1..255 visible ASCII characters'
  return new HttpProblem(problem(400, 'validation_error', `Idempotency-Key: ${message}`, { errors: [{ path: 'Idempotency-Key', message }] }))
}

export const idempotencyKeys = (tp: Taskport) => async (ctx: Ctx, next: Next) => {
  const header = ctx.headers['idempotency-key']
  if (header === undefined || !METHODS.has(ctx.method) || !ctx.path.startsWith('/api/')) return next()
  const key = Array.isArray(header) ? header.join(', ') : header
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) throw invalidKey()
  const scope = scopeOf(ctx)
  if (scope === undefined) return next()

  const outcome = await tp.idempotency.run({ scope, key, fingerprint: fingerprintOf(ctx) }, async () => {
    try {
      await next()
    } catch (error) {
      // A refusal is a final answer and is kept; one that is not kept (401, 429, 5xx) goes on as it would without a key.
      if (!(error instanceof HttpProblem) || !isStorable(error.problem.status)) throw error
      ctx.status = error.problem.status
      ctx.body = error.problem.body
    }
    return responseOf(ctx)
  })
  switch (outcome.kind) {
    case 'processed':
      return
    case 'replayed': {
      const { status, body, headers } = outcome.response
      ctx.status = status
      if (body !== null) ctx.body = body
      ctx.set(headers)
      ctx.set('Idempotent-Replayed', 'true')
      return
    }
    case 'in_flight':
      ctx.set('Retry-After', '1')
      throw new HttpProblem(problem(409, 'conflict', 'A request with this Idempotency-Key is still being processed; retry later'))
    case 'reused':
      throw new HttpProblem(problem(422, 'idempotency_key_reused', 'This Idempotency-Key was sent with another method, path or body in the last 24 hours'))
  }
}
