// Cross-cutting middleware: request ids, JSON errors for everything (never a stack trace), trailing slashes,
// and a JSON body reader with the 1 MiB limit.
import { randomUUID } from 'node:crypto'
import type { Next } from 'koa'
import { StoreUnavailable, UNSTORABLE_TEXT, UNSTORABLE_TEXT_MESSAGE, unstorableJson } from '../../application/index.js'
import { HttpProblem, type Ctx } from './http-context.js'
import { problem } from './problem.js'

export interface HttpLogger {
  info(fields: object, message: string): void
  error(fields: object, message: string): void
}

export const BODY_LIMIT = 1024 * 1024

/**
 * Vendors' webhooks may be larger: a GitHub `issue_comment` edit carries the issue body, the comment and the
 * comment's previous text (65,536 characters each, up to 12 bytes per character when JSON-escaped or
 * form-encoded: 2.4 MB). 5 MiB holds that with room; GitHub's own cap is 25 MB (docs/decisions.md).
 */
export const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024

/** The MCP endpoint (src/adapters/http/mcp-routes.ts). */
export const MCP_PATH = /^\/mcp$/

/** Vendors' webhooks: authenticated by their signature, not by a JWT. */
export const WEBHOOK_PATH = /^\/api\/integrations\/[^/]+\/webhook$/

export const requestId = async (ctx: Ctx, next: Next) => {
  const given = ctx.get('X-Request-Id')
  ctx.state.requestId = /^[\w.-]{1,100}$/.test(given) ? given : randomUUID()
  ctx.set('X-Request-Id', ctx.state.requestId)
  await next()
}

export const errors = (logger: HttpLogger) => async (ctx: Ctx, next: Next) => {
  try {
    await next()
    if ((ctx.status === 404 || ctx.status === 405 || ctx.status === 501) && (ctx.body === undefined || ctx.body === null)) {
      const p = ctx.status === 404
        ? problem(404, 'not_found', `No route for ${ctx.method} ${ctx.path}`)
        : problem(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`)
      ctx.status = p.status
      ctx.body = p.body
    }
  } catch (error) {
    const unavailable = error instanceof StoreUnavailable
    const p = error instanceof HttpProblem
      ? error.problem
      : unavailable
        ? problem(503, 'service_unavailable', 'Database unavailable, retry later')
        : problem(500, 'internal_error', `Internal error (request ${ctx.state.requestId ?? '-'})`)
    if (unavailable) ctx.set('Retry-After', '5')
    if (!(error instanceof HttpProblem)) {
      logger.error({ requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) }, 'request failed')
    }
    ctx.status = p.status
    ctx.body = p.body
    if (p.status === 503 || p.status === 429) ctx.set('Retry-After', ctx.response.get('Retry-After') || '5')
  }
}

export const trailingSlash = async (ctx: Ctx, next: Next) => {
  if (ctx.path.length > 1 && ctx.path.endsWith('/')) ctx.path = ctx.path.replace(/\/+$/, '') || '/'
  await next()
}

const tooLarge = (limit: number) => new HttpProblem(problem(413, 'payload_too_large', `Request body is larger than ${limit} bytes`))

const readBody = (ctx: Ctx, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    ctx.req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(tooLarge(limit))
        ctx.req.removeAllListeners('data')
        ctx.req.resume()
      } else chunks.push(chunk)
    })
    ctx.req.on('end', () => resolve(Buffer.concat(chunks)))
    ctx.req.on('error', reject)
  })

const utf8 = new TextDecoder('utf-8', { fatal: true })

const invalidInput = (message: string, path = 'body'): HttpProblem =>
  new HttpProblem(problem(400, 'validation_error', `${path}: ${message}`, { errors: [{ path, message }] }))

/**
 * Bytes -> JSON value, or the problem with them: not UTF-8, not JSON, or (with `text`) holding what no route can
 * store. MCP leaves the text rule to its tools: there it refuses a tool's arguments, not the JSON-RPC message.
 */
const parseJson = (raw: Buffer, text = true): { ok: true; value: unknown } | { ok: false; problem: HttpProblem } => {
  let decoded: string
  try {
    decoded = utf8.decode(raw)
  } catch {
    return { ok: false, problem: invalidInput('must be UTF-8') }
  }
  let value: unknown
  try {
    value = JSON.parse(decoded)
  } catch {
    return { ok: false, problem: invalidInput('malformed JSON') }
  }
  const issue = text ? unstorableJson(value) : undefined
  return issue ? { ok: false, problem: invalidInput(issue.message, issue.path) } : { ok: true, value }
}

/**
 * GitHub's other webhook content type, `application/x-www-form-urlencoded`: the JSON is the `payload` field.
 * The signature covers the raw form body, which stays in `rawBody`.
 */
const webhookJson = (ctx: Ctx, raw: Buffer): Buffer => {
  if (!ctx.is('application/x-www-form-urlencoded')) return raw
  // Bytes, not URLSearchParams: its decoding turns bad UTF-8 into U+FFFD silently; here it stays bad and is refused.
  for (const part of raw.toString('latin1').split('&')) {
    const eq = part.indexOf('=')
    if (eq >= 0 && formBytes(part.slice(0, eq)).toString('latin1') === 'payload') return formBytes(part.slice(eq + 1))
  }
  return raw
}

/** One form-encoded value (`+` is a space, `%XX` a byte) as the bytes it stands for. */
const formBytes = (text: string): Buffer => {
  const bytes = Buffer.allocUnsafe(text.length)
  let n = 0
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i)
    const hex = c === 0x25 ? text.slice(i + 1, i + 3) : ''
    if (c === 0x2b) bytes[n++] = 0x20
    else if (/^[0-9a-f]{2}$/i.test(hex)) {
      bytes[n++] = parseInt(hex, 16)
      i += 2
    } else bytes[n++] = c
  }
  return bytes.subarray(0, n)
}

export const jsonBody = async (ctx: Ctx, next: Next) => {
  if (['POST', 'PUT', 'PATCH'].includes(ctx.method)) {
    const webhook = WEBHOOK_PATH.test(ctx.path)
    const limit = webhook ? WEBHOOK_BODY_LIMIT : BODY_LIMIT
    const declared = Number(ctx.get('Content-Length') || 0)
    if (declared > limit) throw tooLarge(limit)
    const raw = await readBody(ctx, limit)
    ctx.state.rawBody = raw
    if (raw.length > 0) {
      const mcp = MCP_PATH.test(ctx.path)
      // A JSON route reads JSON only: a form, text or a missing Content-Type is a 415, not a guess. The vendor
      // webhook takes what vendors send (GitHub's form-encoded `payload` too); /mcp answers its own 415.
      if (!webhook && !mcp && !ctx.is('application/json', 'application/*+json')) {
        const sent = ctx.get('Content-Type')
        // Named back only when it is a plain media type: the header is the client's text.
        const media = /^[\w.+-]{1,60}\/[\w.+-]{1,60}$/.exec(sent.split(';')[0]?.trim() ?? '')?.[0]
        throw new HttpProblem(problem(415, 'unsupported_media_type', `Content-Type must be application/json${media ? `, not ${media}` : sent ? '' : ' (none was sent)'}`))
      }
      const parsed = parseJson(webhook ? webhookJson(ctx, raw) : raw, !mcp)
      if (parsed.ok) ctx.state.body = parsed.value
      // Webhooks check their signature first: a stranger's bad JSON is a 401 there, not a 400 (and a signed
      // body that is not usable JSON is refused by the use case as not being a JSON object).
      // MCP answers a body that is not JSON with JSON-RPC's parse error (-32700), after authentication.
      else if (mcp) ctx.state.unparsable = parsed.problem.problem.body.detail
      else if (!WEBHOOK_PATH.test(ctx.path)) throw parsed.problem
    }
  }
  await next()
}

/** Query values reach SQL too: the same text rule as for bodies, on every method. */
export const queryText = async (ctx: Ctx, next: Next) => {
  for (const [name, value] of Object.entries(ctx.query)) {
    const values = Array.isArray(value) ? value : [value ?? '']
    if (UNSTORABLE_TEXT.test(name) || values.some((v) => UNSTORABLE_TEXT.test(v))) throw invalidInput(UNSTORABLE_TEXT_MESSAGE, name.replace(UNSTORABLE_TEXT, '') || 'query')
  }
  await next()
}

/** CORS for browser clients: simple headers on every answer, 204 to preflights. */
export const cors = (origin: string) => async (ctx: Ctx, next: Next) => {
  ctx.set('Access-Control-Allow-Origin', origin)
  ctx.set('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Idempotent-Replayed')
  if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
    ctx.set('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
    ctx.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-Match, X-Request-Id, Idempotency-Key')
    ctx.set('Access-Control-Max-Age', '600')
    ctx.status = 204
    return
  }
  await next()
}

/** One structured line per request: method, path (no query string: it may carry cursors), status, time. Never headers. */
export const accessLog = (logger: HttpLogger) => async (ctx: Ctx, next: Next) => {
  const started = process.hrtime.bigint()
  try {
    await next()
  } finally {
    logger.info({ requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'request')
  }
}
