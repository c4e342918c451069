// Real HTTP for the adapter tests: a loopback JWKS server whose keys sign the test tokens (and which can be
// taken down), and taskport's Koa app listening on 127.0.0.1 over PostgreSQL.
import { createServer, type Server } from 'node:http'
import * as assert from 'uvu/assert'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import { createHttpApp } from '../../src/adapters/http/app.js'
import type { HttpLogger } from '../../src/adapters/http/middleware.js'
import type { RateLimitOptions } from '../../src/adapters/http/rate-limit.js'
import { jwksAuthenticator } from '../../src/adapters/auth/jwks-authenticator.js'
import { openDatabase } from '../../src/adapters/persistence/mikro-orm/index.js'
import { aesGcmCipher, nodeTokenSecrets, randomIds, systemClock } from '../../src/adapters/system/index.js'
import { randomBytes } from 'node:crypto'
import { createTaskport } from '../../src/application/taskport.js'
import { VENDOR_CLIENTS, WEBHOOK_VENDORS } from '../../src/adapters/vendors/index.js'
import { freshDatabase } from './postgres.js'
import { cannedLookup } from './dns.js'
import type { Lookup } from '../../src/adapters/webhooks/address-guard.js'
import type { DeliveryRunner } from '../../src/adapters/webhooks/delivery-runner.js'
import { createWebhookDelivery, webhookUrlGuard } from '../../src/main/webhook-delivery.js'
import { mcpService } from '../../src/adapters/mcp/server.js'

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()))

/** The credential key of the test servers (tests open sealed values in the database with it). */
export const CREDENTIAL_KEY = randomBytes(32)

export const ISSUER = 'https://sso.test'
export const AUDIENCE = 'taskport'

export interface JwksServer {
  readonly url: string
  /** Signs a token with the served key (or another key when `foreignKey`). */
  sign(claims: Record<string, unknown>, options?: { expiresIn?: string; audience?: string; issuer?: string; foreignKey?: boolean; kid?: string }): Promise<string>
  up: boolean
  requests: number
  stop(): Promise<void>
}

export const startJwks = async (): Promise<JwksServer> => {
  const served = await generateKeyPair('RS256')
  const foreign = await generateKeyPair('RS256')
  const jwk: JWK = { ...(await exportJWK(served.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
  const state = { up: true, requests: 0 }
  const server = createServer((req, res) => {
    state.requests += 1
    if (!state.up) {
      res.statusCode = 503
      res.end()
      return
    }
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: [jwk] }))
  })
  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get up() { return state.up },
    set up(value: boolean) { state.up = value },
    get requests() { return state.requests },
    set requests(value: number) { state.requests = value },
    sign: async (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'k1' })
        .setIssuedAt()
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(options.audience ?? AUDIENCE)
        .setExpirationTime(options.expiresIn ?? '10m')
        .sign(options.foreignKey ? foreign.privateKey : served.privateKey),
    stop: () => close(server),
  }
}

export interface ApiServer {
  readonly base: string
  /** The server's database (a fresh one per server). */
  readonly databaseUrl: string
  /** The delivery runner of outgoing webhooks, when the server was started with one. */
  readonly delivery?: DeliveryRunner
  readonly jwks: JwksServer
  /** Raw SQL on the server's database, to check what HTTP cannot show (hashes at rest, row counts). */
  sql(query: string, params?: unknown[]): Promise<any[]>
  /** fetch with a bearer token for `sub` (email `${sub}@example.com`). */
  call(method: string, path: string, options?: { as?: string; body?: unknown; raw?: string; headers?: Record<string, string>; token?: string }): Promise<{ status: number; body: any; headers: Headers }>
  stop(): Promise<void>
}

export interface ApiOptions {
  /** Another server's database and key set (a second instance, or a restart): left alone by `stop()`. */
  readonly databaseUrl?: string
  readonly jwks?: JwksServer
  readonly rateLimit?: RateLimitOptions
  readonly logger?: HttpLogger
  /**
   * Outgoing webhooks. Default: private addresses allowed (receivers listen on 127.0.0.1) and a lookup that knows
   * no name (no test sends a DNS query). `delivery` starts a delivery runner beside the server.
   */
  /** MCP at POST /mcp (on by default): read-only mode and the allowed browser origins. */
  readonly mcp?: { readonly readOnly?: boolean; readonly allowedOrigins?: readonly string[] }
  readonly webhooks?: {
    readonly allowPrivate?: boolean
    readonly lookup?: Lookup
    readonly delivery?: { readonly timeoutMs?: number; readonly retrySchedule?: readonly number[]; readonly pollMs?: number; readonly perEndpoint?: number }
  }
}

export const startApi = async (options: ApiOptions = {}): Promise<ApiServer> => {
  const jwks = options.jwks ?? (await startJwks())
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: async () => undefined } : await freshDatabase()
  const db = await openDatabase(database.url)
  const cipher = aesGcmCipher(CREDENTIAL_KEY)
  const network = { allowPrivate: options.webhooks?.allowPrivate ?? true, lookup: options.webhooks?.lookup ?? cannedLookup().lookup }
  const d = options.webhooks?.delivery
  const delivery = d ? createWebhookDelivery({ uow: db.uow, cipher, ...network, ...d }) : undefined
  const taskport = createTaskport({
    uow: db.uow, clock: systemClock, ids: randomIds, secrets: nodeTokenSecrets, cipher, webhooks: WEBHOOK_VENDORS, vendors: VENDOR_CLIENTS,
    urlGuard: webhookUrlGuard(network), ...(d?.retrySchedule ? { webhookRetrySchedule: d.retrySchedule } : {}), ...(delivery ? { eventNotifier: delivery } : {}),
  })
  const mcp = mcpService(taskport, { readOnly: options.mcp?.readOnly ?? false })
  const app = createHttpApp({
    taskport,
    authenticate: jwksAuthenticator({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, refreshCooldownMs: 0 }),
    databaseReady: async () => true,
    mcp: { service: async () => mcp, allowedOrigins: options.mcp?.allowedOrigins ?? [], issuer: ISSUER },
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  })
  const server = createServer(app.callback())
  const port = await listen(server)
  const base = `http://127.0.0.1:${port}`
  delivery?.start()
  return {
    base,
    databaseUrl: database.url,
    ...(delivery ? { delivery } : {}),
    jwks,
    sql: (query, params = []) => db.orm.em.getConnection().execute(query, params),
    call: async (method, path, callOptions = {}) => {
      const options = callOptions
      const headers: Record<string, string> = { ...(options.headers ?? {}) }
      const token = options.token ?? (options.as ? await jwks.sign({ sub: options.as, email: `${options.as}@example.com`, name: options.as }) : undefined)
      if (token) headers.authorization = `Bearer ${token}`
      const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
      if (payload !== undefined) headers['content-type'] ??= 'application/json'
      const response = await fetch(`${base}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) })
      const text = await response.text()
      let body: unknown = text
      try {
        body = text ? JSON.parse(text) : null
      } catch {
        // not JSON: keep the text, the test will say so
      }
      return { status: response.status, body, headers: response.headers }
    },
    stop: async () => {
      await close(server)
      await delivery?.stop()
      await db.close()
      await database.drop()
      if (!options.jwks) await jwks.stop()
    },
  }
}

/** Asserts a contract error body: status, code, and a detail string. */
export const expectError = (res: { status: number; body: any }, status: number, error: string): void => {
  assert.is(res.status, status, JSON.stringify(res.body))
  assert.is(res.body.error, error)
  assert.is(res.body.status_code, status)
  assert.type(res.body.detail, 'string')
}
