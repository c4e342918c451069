// The composition root of the service: configuration -> database -> use cases -> authentication -> Koa.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pino, type Logger } from 'pino'
import type Koa from 'koa'
import type { CredentialCipher, EventNotifier, UnitOfWork } from '../application/index.js'
import { createTaskport } from '../application/taskport.js'
import { loadDevKeys } from '../adapters/auth/dev-keys.js'
import { jwksAuthenticator } from '../adapters/auth/jwks-authenticator.js'
import { cachingAuthenticator } from '../adapters/auth/verified-token-cache.js'
import { createHttpApp } from '../adapters/http/app.js'
import type { Authenticate } from '../adapters/http/authenticate.js'
import type { RateLimitOptions } from '../adapters/http/rate-limit.js'
import { aesGcmCipher, nodeTokenSecrets, randomIds, systemClock } from '../adapters/system/index.js'
import { loadDevSecretKey } from './secret-key.js'
import { VENDOR_CLIENTS, WEBHOOK_VENDORS } from '../adapters/vendors/index.js'
import type { Config } from './config.js'
import { openTaskportDatabase } from './database.js'
import { connectRedis } from './redis.js'
import { createWebhookDelivery, webhookUrlGuard, WEBHOOK_USER_AGENT, type WebhookNetworkOptions } from './webhook-delivery.js'
import { createTaskportApp } from './koa-app.js'
import { createIdempotencyCleanup } from './idempotency-cleanup.js'
import { DEV_ISSUER } from '../adapters/auth/dev-keys.js'

export const createLogger = (level: Config['logLevel']): Logger =>
  pino({ level, redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token', '*.token', 'password', '*.password', 'access_token', '*.access_token', 'webhook_secret', '*.webhook_secret', 'accessToken', '*.accessToken', 'secret', '*.secret', 'secretSealed', '*.secretSealed'], censor: '[redacted]' } })

export interface RunningServer {
  readonly url: string
  /** Development mode only: a ready bearer token for `dev` (printed at start-up). */
  readonly devToken?: string
  /** Finishes in-flight requests, then closes the database (and stops the embedded server). */
  close(): Promise<void>
}

export const startServer = async (config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> => {
  const db = await openTaskportDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    dataDir: config.dataDir,
    // TASKPORT_MIGRATE=false: a schema behind this version rejects here (SchemaBehind), before anything listens.
    migrate: config.migrate,
    onLog: (line) => logger.debug({ postgres: line }, 'embedded postgres'),
    logger: { warn: (fields, message) => logger.warn(fields, message), error: (fields, message) => logger.error(fields, message) },
  })
  let authenticate: Authenticate
  let publicJwks: object | undefined
  let devToken: string | undefined
  if (config.auth.mode === 'jwks') {
    authenticate = cachingAuthenticator(jwksAuthenticator({ jwksUrl: config.auth.jwksUrl, issuer: config.auth.issuer, audience: config.auth.audience }))
  } else {
    const dev = await loadDevKeys(join(config.dataDir, 'keys'))
    authenticate = cachingAuthenticator(dev.authenticate)
    publicJwks = dev.jwks
    devToken = await dev.sign({ sub: 'dev', email: 'dev@localhost', name: 'Developer', role: 'admin' })
  }
  // Connected before anything listens: a wrong REDIS_URL stops the start instead of silently not sharing limits.
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger).catch(async (error: unknown) => {
    await db.close()
    throw error
  }) : undefined
  const secretKey = config.secretKey ?? (await loadDevSecretKey(join(config.dataDir, 'keys')))
  const cipher = aesGcmCipher(secretKey, config.previousSecretKeys)
  const delivery = createWebhookDelivery({
    uow: db.uow, cipher, allowPrivate: config.webhooks.allowPrivate, timeoutMs: config.webhooks.timeoutMs,
    retrySchedule: config.webhooks.retrySchedule, perEndpoint: config.webhooks.perEndpoint, logger,
  })
  const app = createTaskportApp({
    uow: db.uow,
    cipher,
    webhooks: { allowPrivate: config.webhooks.allowPrivate, retrySchedule: config.webhooks.retrySchedule, delivery },
    mcp: {
      readOnly: config.mcp.readOnly, allowedOrigins: config.mcp.allowedOrigins,
      issuer: config.auth.mode === 'jwks' ? config.auth.issuer : DEV_ISSUER,
    },
    rateLimit: { max: config.syncRateLimit, ...(redis ? { redis } : {}) },
    authenticate,
    logger,
    ...(publicJwks ? { publicJwks } : {}),
    databaseReady: async () => (await db.ping()),
  })
  const server: Server = createServer(app.callback())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => resolve())
  })
  // Delivery starts once the server listens: a process that cannot serve does not deliver either.
  if (config.webhooks.deliver) delivery.start()
  const cleanup = createIdempotencyCleanup({ uow: db.uow, logger })
  cleanup.start()
  const address = server.address() as AddressInfo
  const url = `http://${config.host}:${address.port}`
  return {
    url,
    ...(devToken ? { devToken } : {}),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections?.()
      // The attempts under way finish (at most TASKPORT_WEBHOOK_TIMEOUT) and are recorded before the database closes.
      await delivery.stop()
      await cleanup.stop()
      await redis?.quit().catch(() => undefined)
      await db.close()
    },
  }
}
