// What the routes share: the request's caller, the decoded body, and sending a use case's Either as a response.
import type { Context } from 'koa'
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import type { AppError, Caller, PageRequest } from '../../application/index.js'
import type { Issue } from '../../domain/index.js'
import { decode, intParam, isIdText, one, type Query } from './decode.js'
import { problemOf, validationProblem, type Problem } from './problem.js'

export interface State {
  caller?: Caller
  body?: unknown
  /** The body's bytes (webhook signatures cover them). */
  rawBody?: Buffer
  requestId?: string
  /** MCP: why the body could not be read as JSON (answered with a JSON-RPC parse error). */
  unparsable?: string
  /** The project whose task-sync limit this request counts against. */
  rateLimitKey?: string
}

export type Ctx = Context & { state: State }

/** Thrown inside a request to answer with a contract error body. */
export class HttpProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.body.detail)
  }
}

export const fail = (problem: Problem): never => {
  throw new HttpProblem(problem)
}

export const callerOf = (ctx: Ctx): Caller => ctx.state.caller ?? fail({ status: 401, body: { error: 'unauthorized', detail: 'Authentication required', status_code: 401 } })

export const body = <A, O>(ctx: Ctx, codec: t.Type<A, O, unknown>): A => {
  // Only an empty body stands for `{}`: a JSON `null` is a body of the wrong type (400), like `[]` or `1`.
  const decoded = decode(codec, ctx.state.body === undefined ? {} : ctx.state.body)
  return E.isLeft(decoded) ? fail(validationProblem(decoded.left)) : decoded.right
}

const orFail = <A>(result: E.Either<readonly Issue[], A>): A => (E.isLeft(result) ? fail(validationProblem(result.left)) : result.right)

/** A positive integer route parameter; anything else does not name a resource (404). */
export const idParam = (ctx: Ctx, name: string): number => {
  const raw = (ctx as unknown as { params: Record<string, string> }).params[name] ?? ''
  return isIdText(raw) ? Number(raw) : fail({ status: 404, body: { error: 'not_found', detail: `No resource at ${ctx.path}`, status_code: 404 } })
}

export const queryInt = (ctx: Ctx, name: string): number | undefined => orFail(intParam(one(ctx.query as Query, name), name))

export const queryString = (ctx: Ctx, name: string): string | undefined => one(ctx.query as Query, name)

export const pageRequest = (ctx: Ctx): PageRequest => {
  const limit = queryInt(ctx, 'limit')
  const cursor = queryString(ctx, 'cursor')
  return { ...(limit !== undefined ? { limit } : {}), ...(cursor !== undefined ? { cursor } : {}) }
}

export const respond = <A>(ctx: Ctx, result: E.Either<AppError, A>, status: number, encode: (a: A) => unknown): void => {
  if (E.isLeft(result)) fail(problemOf(result.left))
  else {
    ctx.status = status
    ctx.body = status === 204 ? null : encode(result.right)
  }
}

/** `If-Match: "3"` (or `3`, or `W/"3"`) -> 3. */
export const ifMatch = (ctx: Ctx): number | undefined => {
  const raw = ctx.get('If-Match')
  if (!raw) return undefined
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(raw.trim())
  return m ? Number(m[1]) : fail(validationProblem([{ path: 'If-Match', message: 'must be a task version, e.g. "3"' }]))
}
