// Configuration from the environment, decoded with io-ts: every bad value is named, and the process exits
// with code 78 (EX_CONFIG) before anything starts.
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { DEFAULT_RETRY_SCHEDULE, parseDuration, parseRetrySchedule } from '../domain/index.js'

export interface Config {
  readonly port: number
  readonly host: string
  readonly databaseUrl: string | undefined
  readonly dataDir: string
  readonly auth:
    | { readonly mode: 'jwks'; readonly jwksUrl: string; readonly issuer: string | undefined; readonly audience: string | undefined }
    | { readonly mode: 'development' }
  readonly redisUrl: string | undefined
  /** Task-sync pushes per minute per project. */
  readonly syncRateLimit: number
  /** 32 bytes, from hex or base64; undefined: generated into the data dir in development. */
  readonly secretKey: Buffer | undefined
  /** Keys being rotated out: values they sealed still open (TASKPORT_SECRET_KEY_PREVIOUS, comma-separated). */
  readonly previousSecretKeys: readonly Buffer[]
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  readonly production: boolean
  /** TASKPORT_MIGRATE: apply pending migrations at start; false: refuse to start when one is pending (`taskport migrate` is the release step). */
  readonly migrate: boolean
  readonly mcp: {
    /** TASKPORT_MCP_READ_ONLY: serve only the read tools over MCP. */
    readonly readOnly: boolean
    /** TASKPORT_MCP_ALLOWED_ORIGINS: browser origins allowed to call /mcp (comma-separated). */
    readonly allowedOrigins: readonly string[]
  }
  readonly webhooks: {
    /** TASKPORT_WEBHOOK_ALLOW_PRIVATE: endpoints may be on loopback and private networks (tests, internal receivers). */
    readonly allowPrivate: boolean
    /** TASKPORT_WEBHOOK_RETRY_SCHEDULE, in ms. */
    readonly retrySchedule: readonly number[]
    /** TASKPORT_WEBHOOK_TIMEOUT, in ms. */
    readonly timeoutMs: number
    /** TASKPORT_WEBHOOK_DELIVERY=false: this instance serves but does not deliver (another instance does). */
    readonly deliver: boolean
    /** TASKPORT_WEBHOOK_CONCURRENCY: requests in flight to one endpoint, across all instances. */
    readonly perEndpoint: number
  }
}

const EnvC = t.partial({
  PORT: t.string, HOST: t.string, DATABASE_URL: t.string, TASKPORT_DATA_DIR: t.string, AUTH_JWKS_URL: t.string,
  AUTH_ISSUER: t.string, AUTH_AUDIENCE: t.string, REDIS_URL: t.string, TASKPORT_SYNC_RATE_LIMIT: t.string, TASKPORT_SECRET_KEY: t.string, TASKPORT_SECRET_KEY_PREVIOUS: t.string, LOG_LEVEL: t.string,
  NODE_ENV: t.string, TASKPORT_WEBHOOK_ALLOW_PRIVATE: t.string, TASKPORT_WEBHOOK_RETRY_SCHEDULE: t.string, TASKPORT_WEBHOOK_TIMEOUT: t.string, TASKPORT_WEBHOOK_DELIVERY: t.string, TASKPORT_WEBHOOK_CONCURRENCY: t.string, TASKPORT_MCP_READ_ONLY: t.string, TASKPORT_MCP_ALLOWED_ORIGINS: t.string, TASKPORT_MIGRATE: t.string,
})

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const isUrl = (value: string, protocols: readonly string[]): boolean => {
  try {
    return protocols.includes(new URL(value).protocol)
  } catch {
    return false
  }
}

const secretKeyOf = (raw: string): Buffer | undefined => {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex')
  const b64 = Buffer.from(raw, 'base64')
  return b64.length === 32 ? b64 : undefined
}

/** Reads the environment; Left holds one line per bad variable. */
export const decodeConfig = (env: Readonly<Record<string, string | undefined>>): E.Either<readonly string[], Config> => {
  const decoded = EnvC.decode(env)
  if (E.isLeft(decoded)) return E.left(['the environment could not be read'])
  const e = decoded.right
  const problems: string[] = []
  const port = e.PORT === undefined || e.PORT === '' ? 3000 : Number(e.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT: "${e.PORT}" is not a port number (0..65535)`)
  if (e.DATABASE_URL && !isUrl(e.DATABASE_URL, ['postgres:', 'postgresql:'])) problems.push('DATABASE_URL: must be a postgres:// URL')
  if (e.AUTH_JWKS_URL && !isUrl(e.AUTH_JWKS_URL, ['http:', 'https:'])) problems.push('AUTH_JWKS_URL: must be an http(s) URL')
  if (e.REDIS_URL && !isUrl(e.REDIS_URL, ['redis:', 'rediss:'])) problems.push('REDIS_URL: must be a redis:// URL')
  const rawLimit = e.TASKPORT_SYNC_RATE_LIMIT === undefined || e.TASKPORT_SYNC_RATE_LIMIT === '' ? '100' : e.TASKPORT_SYNC_RATE_LIMIT
  const syncRateLimit = Number(rawLimit)
  if (!/^\d{1,9}$/.test(rawLimit) || syncRateLimit < 1) problems.push(`TASKPORT_SYNC_RATE_LIMIT: "${e.TASKPORT_SYNC_RATE_LIMIT}" is not a positive integer (requests per minute per project)`)
  const secretKey = e.TASKPORT_SECRET_KEY ? secretKeyOf(e.TASKPORT_SECRET_KEY) : undefined
  if (e.TASKPORT_SECRET_KEY && !secretKey) problems.push('TASKPORT_SECRET_KEY: must be 32 bytes, as 64 hex characters or base64')
  const previous = (e.TASKPORT_SECRET_KEY_PREVIOUS ?? '').split(',').map((k) => k.trim()).filter(Boolean).map(secretKeyOf)
  if (previous.some((k) => k === undefined)) problems.push('TASKPORT_SECRET_KEY_PREVIOUS: every key must be 32 bytes, as 64 hex characters or base64, comma-separated')
  const logLevel = (e.LOG_LEVEL ?? 'info').toLowerCase()
  const level = LEVELS.find((l) => l === logLevel)
  if (!level) problems.push(`LOG_LEVEL: must be one of ${LEVELS.join(', ')}`)
  const production = e.NODE_ENV === 'production'
  if (production && !e.AUTH_JWKS_URL) problems.push('AUTH_JWKS_URL: required when NODE_ENV=production (development mode signs its own tokens)')
  if (production && !e.TASKPORT_SECRET_KEY) problems.push('TASKPORT_SECRET_KEY: required when NODE_ENV=production')
  const allowPrivate = (e.TASKPORT_WEBHOOK_ALLOW_PRIVATE ?? 'false').toLowerCase()
  if (!['true', 'false', ''].includes(allowPrivate)) problems.push('TASKPORT_WEBHOOK_ALLOW_PRIVATE: must be true or false')
  const schedule = e.TASKPORT_WEBHOOK_RETRY_SCHEDULE === undefined ? E.right(DEFAULT_RETRY_SCHEDULE) : parseRetrySchedule(e.TASKPORT_WEBHOOK_RETRY_SCHEDULE)
  if (E.isLeft(schedule)) problems.push(`TASKPORT_WEBHOOK_RETRY_SCHEDULE: ${schedule.left}`)
  const timeout = e.TASKPORT_WEBHOOK_TIMEOUT === undefined || e.TASKPORT_WEBHOOK_TIMEOUT === '' ? E.right(10_000) : parseDuration(e.TASKPORT_WEBHOOK_TIMEOUT)
  if (E.isLeft(timeout)) problems.push(`TASKPORT_WEBHOOK_TIMEOUT: ${timeout.left}`)
  const deliver = (e.TASKPORT_WEBHOOK_DELIVERY ?? 'true').toLowerCase()
  if (!['true', 'false', ''].includes(deliver)) problems.push('TASKPORT_WEBHOOK_DELIVERY: must be true or false')
  const concurrency = e.TASKPORT_WEBHOOK_CONCURRENCY === undefined || e.TASKPORT_WEBHOOK_CONCURRENCY === '' ? '32' : e.TASKPORT_WEBHOOK_CONCURRENCY
  if (!/^\d{1,4}$/.test(concurrency) || Number(concurrency) < 1 || Number(concurrency) > 1000) problems.push(`TASKPORT_WEBHOOK_CONCURRENCY: "${concurrency}" is not an integer from 1 to 1000`)
  const mcpReadOnly = (e.TASKPORT_MCP_READ_ONLY ?? 'false').toLowerCase()
  if (!['true', 'false', ''].includes(mcpReadOnly)) problems.push('TASKPORT_MCP_READ_ONLY: must be true or false')
  const migrate = (e.TASKPORT_MIGRATE ?? 'true').toLowerCase()
  if (!['true', 'false', ''].includes(migrate)) problems.push('TASKPORT_MIGRATE: must be true or false')
  const origins = (e.TASKPORT_MCP_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean)
  const badOrigin = origins.find((o) => !isUrl(o, ['http:', 'https:']) || new URL(o).origin !== o)
  if (badOrigin !== undefined) problems.push(`TASKPORT_MCP_ALLOWED_ORIGINS: "${badOrigin}" is not an origin such as https://app.example.com`)
  if (problems.length > 0 || E.isLeft(schedule) || E.isLeft(timeout)) return E.left(problems)
  return E.right({
    port,
    host: e.HOST || '127.0.0.1',
    databaseUrl: e.DATABASE_URL || undefined,
    dataDir: e.TASKPORT_DATA_DIR || './.taskport',
    auth: e.AUTH_JWKS_URL
      ? { mode: 'jwks', jwksUrl: e.AUTH_JWKS_URL, issuer: e.AUTH_ISSUER || undefined, audience: e.AUTH_AUDIENCE || undefined }
      : { mode: 'development' },
    redisUrl: e.REDIS_URL || undefined,
    syncRateLimit,
    secretKey,
    previousSecretKeys: previous.filter((k): k is Buffer => k !== undefined),
    logLevel: level ?? 'info',
    production,
    migrate: migrate !== 'false',
    mcp: { readOnly: mcpReadOnly === 'true', allowedOrigins: origins },
    webhooks: { allowPrivate: allowPrivate === 'true', retrySchedule: schedule.right, timeoutMs: timeout.right, deliver: deliver !== 'false', perEndpoint: Number(concurrency) },
  })
}
