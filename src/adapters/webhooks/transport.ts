// One delivery attempt of an outgoing webhook (the Standard Webhooks format): a signed POST of the event's exact
// body, the answer's status and at most 1 KiB of its body, within a deadline for the whole attempt. Redirects are
// never followed, and no socket reaches a private address unless private networks are allowed: an IP-literal host
// is checked before connecting, a name through `guardedLookup` on the address actually connected to.
import { createHmac } from 'node:crypto'
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { RESPONSE_EXCERPT_MAX_BYTES } from '../../domain/index.js'
import { guardedLookup, isPrivateAddress, PRIVATE_ADDRESS_CODE } from './address-guard.js'
import type { Lookup } from './address-guard.js'

export interface WebhookTransportOptions {
  /** The whole attempt (connect, request, response head and excerpt) must finish within this. */
  readonly timeoutMs: number
  /** `TASKPORT_WEBHOOK_ALLOW_PRIVATE`: allow loopback and private addresses. */
  readonly allowPrivate: boolean
  /** Resolves names; `dns.lookup` unless given. */
  readonly lookup?: Lookup | undefined
  /** `taskport-webhooks/<version>`. */
  readonly userAgent: string
  /** Keep-alive sockets per origin (scheme, host and port); default 8. */
  readonly maxSocketsPerOrigin?: number | undefined
  /** The clock of `at` and `webhook-timestamp`; the wall clock unless given. */
  readonly now?: (() => Date) | undefined
}

export interface WebhookRequest {
  readonly url: string
  /** `whsec_` + base64 of the key. */
  readonly secret: string
  /** The event's id: `webhook-id`. */
  readonly eventId: string
  /** The exact JSON text, sent byte for byte. */
  readonly body: string
}

export interface AttemptResult {
  readonly at: Date
  /** null when no response came (timeout, connection failure, refusal). */
  readonly statusCode: number | null
  readonly durationMs: number
  /** null for a response that is not a redirect (whatever its status); else a short reason. */
  readonly error: string | null
  /** At most 1 KiB of the response body, as UTF-8 (an incomplete trailing character dropped). */
  readonly responseExcerpt: string
}

export interface WebhookTransport {
  /** One attempt; never throws. */
  send(request: WebhookRequest): Promise<AttemptResult>
  /** Destroys the keep-alive sockets. */
  close(): void
}

const SECRET_PREFIX = 'whsec_'
const DEFAULT_MAX_SOCKETS = 8
const IDLE_SOCKET_MS = 30_000

/** `v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">` keyed with the secret's decoded bytes. */
export const webhookSignature = (secret: string, eventId: string, timestamp: number, body: string): string => {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64')
  return `v1,${createHmac('sha256', key).update(`${eventId}.${timestamp}.${body}`, 'utf8').digest('base64')}`
}

/** The longest prefix of `bytes` that is whole UTF-8 characters, decoded. */
const utf8Excerpt = (bytes: Buffer): string => new TextDecoder('utf-8').decode(bytes, { stream: true })

const timeoutText = (ms: number): string => (ms >= 1000 && ms % 1000 === 0 ? `timed out after ${ms / 1000} s` : `timed out after ${ms} ms`)

const oneLine = (text: string, max = 200): string => {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/** A short text for why a connection or request failed. */
const failureText = (error: unknown, host: string): string => {
  if (!(error instanceof Error)) return oneLine(String(error))
  const nested = (error as { errors?: unknown }).errors
  const code = (error as NodeJS.ErrnoException).code ?? (Array.isArray(nested) ? (nested[0] as NodeJS.ErrnoException | undefined)?.code : undefined)
  switch (code) {
    case PRIVATE_ADDRESS_CODE:
      return error.message
    case 'ECONNREFUSED':
      return 'connection refused'
    case 'ECONNRESET':
      return 'connection reset'
    case 'EPIPE':
      return 'connection closed while sending'
    case 'ENOTFOUND':
    case 'ENODATA':
      return `${host} does not resolve`
    case 'EAI_AGAIN':
      return `DNS lookup of ${host} failed (temporary failure)`
    case 'ETIMEDOUT':
      return 'connection timed out'
    case 'ENETUNREACH':
      return 'network unreachable'
    case 'EHOSTUNREACH':
      return 'host unreachable'
    case 'ERR_INVALID_URL':
      return 'invalid URL'
    case 'ERR_INVALID_CHAR':
    case 'ERR_INVALID_HTTP_TOKEN':
      return `invalid request header: ${oneLine(error.message)}`
    default:
      break
  }
  if (error.message === 'socket hang up') return 'connection closed without a response'
  if (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL'))) return `TLS: ${oneLine(error.message)}`
  return oneLine(error.message || code || 'request failed')
}

export const createWebhookTransport = (options: WebhookTransportOptions): WebhookTransport => {
  const now = options.now ?? (() => new Date())
  const maxSockets = options.maxSocketsPerOrigin ?? DEFAULT_MAX_SOCKETS
  const lookup = guardedLookup({ allowPrivate: options.allowPrivate, lookup: options.lookup })
  const agents = new Map<string, HttpAgent>()

  const agentFor = (url: URL): HttpAgent => {
    const origin = url.origin
    let agent = agents.get(origin)
    if (!agent) {
      const agentOptions = { keepAlive: true, maxSockets, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' as const }
      agent = url.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions)
      agents.set(origin, agent)
    }
    return agent
  }

  const send = (request: WebhookRequest): Promise<AttemptResult> => {
    const at = now()
    const started = performance.now()
    const elapsed = (): number => Math.round(performance.now() - started)
    const failed = (error: string): AttemptResult => ({ at, statusCode: null, durationMs: elapsed(), error, responseExcerpt: '' })

    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return Promise.resolve(failed('invalid URL'))
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.resolve(failed(`unsupported scheme ${url.protocol}`))
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
    // Node does not call `lookup` for an IP literal: check it here.
    if (isIP(host) !== 0 && !options.allowPrivate && isPrivateAddress(host)) {
      return Promise.resolve(failed(`refused: ${host} is a private address`))
    }

    const timestamp = Math.floor(at.getTime() / 1000)
    const body = Buffer.from(request.body, 'utf8')
    const requestOptions: RequestOptions = {
      method: 'POST',
      protocol: url.protocol,
      hostname: host,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      agent: agentFor(url),
      lookup,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': options.userAgent,
        'webhook-id': request.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': webhookSignature(request.secret, request.eventId, timestamp, request.body),
        'Content-Length': String(body.length),
      },
    }

    return new Promise<AttemptResult>((resolve) => {
      let settled = false
      let req: ClientRequest | undefined
      let res: IncomingMessage | undefined
      const finish = (result: AttemptResult): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(result)
      }
      const timer = setTimeout(() => {
        finish(failed(timeoutText(options.timeoutMs)))
        res?.destroy()
        req?.destroy()
      }, options.timeoutMs)

      const onResponse = (response: IncomingMessage): void => {
        res = response
        const statusCode = response.statusCode ?? 0
        const chunks: Buffer[] = []
        let received = 0
        const done = (): void => {
          const excerpt = utf8Excerpt(Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_MAX_BYTES))
          const location = response.headers.location
          const error = statusCode >= 300 && statusCode < 400
            ? `redirects are not followed (${location === undefined ? 'no Location' : `Location: ${oneLine(location, 500)}`})`
            : null
          finish({ at, statusCode, durationMs: elapsed(), error, responseExcerpt: excerpt })
        }
        response.on('data', (chunk: Buffer) => {
          if (settled) return
          chunks.push(chunk)
          received += chunk.length
          if (received > RESPONSE_EXCERPT_MAX_BYTES) {
            done()
            response.destroy()
          }
        })
        response.on('end', done)
        // The body was cut off after the head: the status stands, with what came of the body.
        response.on('aborted', done)
        response.on('error', done)
        response.on('close', done)
      }

      try {
        const make = url.protocol === 'https:' ? httpsRequest : httpRequest
        req = make(requestOptions, onResponse)
        req.on('error', (error) => {
          if (res !== undefined) return // the response's own handlers decide
          finish(failed(failureText(error, host)))
        })
        req.end(body)
      } catch (error) {
        finish(failed(failureText(error, host)))
        req?.destroy()
      }
    })
  }

  return {
    send: async (request) => {
      try {
        return await send(request)
      } catch (error) {
        return { at: now(), statusCode: null, durationMs: 0, error: failureText(error, ''), responseExcerpt: '' }
      }
    },
    close: () => {
      for (const agent of agents.values()) agent.destroy()
      agents.clear()
    },
  }
}
