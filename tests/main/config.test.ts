import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeConfig } from '../../src/main/config.js'

test('defaults: port 3000 on 127.0.0.1, embedded database in ./.taskport, development auth, info logs', () => {
  const config = decodeConfig({})
  assert.ok(E.isRight(config))
  if (E.isRight(config)) {
    assert.equal(
      { port: config.right.port, host: config.right.host, db: config.right.databaseUrl, dir: config.right.dataDir, auth: config.right.auth, level: config.right.logLevel, redis: config.right.redisUrl, limit: config.right.syncRateLimit },
      { port: 3000, host: '127.0.0.1', db: undefined, dir: './.taskport', auth: { mode: 'development' }, level: 'info', redis: undefined, limit: 100 },
    )
  }
})

test('every bad value is named', () => {
  const config = decodeConfig({
    PORT: 'abc', DATABASE_URL: 'mysql://x', AUTH_JWKS_URL: 'not a url', REDIS_URL: 'http://x', TASKPORT_SYNC_RATE_LIMIT: '0', TASKPORT_SECRET_KEY: 'short', LOG_LEVEL: 'loud',
  })
  assert.ok(E.isLeft(config))
  if (E.isLeft(config)) {
    assert.equal(config.left.map((l) => l.split(':')[0]), ['PORT', 'DATABASE_URL', 'AUTH_JWKS_URL', 'REDIS_URL', 'TASKPORT_SYNC_RATE_LIMIT', 'TASKPORT_SECRET_KEY', 'LOG_LEVEL'])
  }
  for (const bad of ['-1', '1.5', 'many', '1e3']) assert.ok(E.isLeft(decodeConfig({ TASKPORT_SYNC_RATE_LIMIT: bad })), bad)
  const set = decodeConfig({ TASKPORT_SYNC_RATE_LIMIT: '600', REDIS_URL: 'redis://:pw@cache:6379/2' })
  assert.ok(E.isRight(set) && set.right.syncRateLimit === 600 && set.right.redisUrl === 'redis://:pw@cache:6379/2')
})

test('production refuses development mode and a missing secret key', () => {
  const config = decodeConfig({ NODE_ENV: 'production' })
  assert.ok(E.isLeft(config) && config.left.some((l) => l.startsWith('AUTH_JWKS_URL')) && config.left.some((l) => l.startsWith('TASKPORT_SECRET_KEY')))
  const ok = decodeConfig({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://sso/jwks', TASKPORT_SECRET_KEY: 'a'.repeat(64), AUTH_AUDIENCE: 'tp' })
  assert.ok(E.isRight(ok) && ok.right.auth.mode === 'jwks' && ok.right.secretKey?.length === 32)
  const b64 = decodeConfig({ TASKPORT_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') })
  assert.ok(E.isRight(b64) && b64.right.secretKey?.equals(Buffer.alloc(32, 7)))
})

test('TASKPORT_SECRET_KEY_PREVIOUS: comma-separated 32-byte keys being rotated out', () => {
  const a = 'a'.repeat(64)
  const b = Buffer.alloc(32, 9).toString('base64')
  const ok = decodeConfig({ TASKPORT_SECRET_KEY: 'c'.repeat(64), TASKPORT_SECRET_KEY_PREVIOUS: `${a}, ${b}` })
  assert.ok(E.isRight(ok) && ok.right.previousSecretKeys.length === 2 && ok.right.previousSecretKeys[1]?.equals(Buffer.alloc(32, 9)))
  const bad = decodeConfig({ TASKPORT_SECRET_KEY_PREVIOUS: `${a},short` })
  assert.ok(E.isLeft(bad) && bad.left.some((l) => l.startsWith('TASKPORT_SECRET_KEY_PREVIOUS')))
  const none = decodeConfig({})
  assert.ok(E.isRight(none) && none.right.previousSecretKeys.length === 0)
})

test('outgoing webhooks: private targets, the retry schedule, the timeout and delivery on this instance', () => {
  const defaults = decodeConfig({})
  assert.ok(E.isRight(defaults))
  if (E.isRight(defaults)) assert.equal(defaults.right.webhooks, { allowPrivate: false, retrySchedule: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000], timeoutMs: 10_000, deliver: true, perEndpoint: 32 })
  const set = decodeConfig({ TASKPORT_WEBHOOK_ALLOW_PRIVATE: 'TRUE', TASKPORT_WEBHOOK_RETRY_SCHEDULE: '100ms,2s,1m', TASKPORT_WEBHOOK_TIMEOUT: '1500ms', TASKPORT_WEBHOOK_DELIVERY: 'false', TASKPORT_WEBHOOK_CONCURRENCY: '5' })
  assert.ok(E.isRight(set))
  if (E.isRight(set)) assert.equal(set.right.webhooks, { allowPrivate: true, retrySchedule: [100, 2000, 60_000], timeoutMs: 1500, deliver: false, perEndpoint: 5 })
  const bad = decodeConfig({ TASKPORT_WEBHOOK_ALLOW_PRIVATE: 'yes', TASKPORT_WEBHOOK_RETRY_SCHEDULE: '5s,soon', TASKPORT_WEBHOOK_TIMEOUT: '1h', TASKPORT_WEBHOOK_DELIVERY: 'maybe', TASKPORT_WEBHOOK_CONCURRENCY: '0' })
  assert.ok(E.isLeft(bad))
  if (E.isLeft(bad)) assert.equal(bad.left.map((l) => l.split(':')[0]), ['TASKPORT_WEBHOOK_ALLOW_PRIVATE', 'TASKPORT_WEBHOOK_RETRY_SCHEDULE', 'TASKPORT_WEBHOOK_TIMEOUT', 'TASKPORT_WEBHOOK_DELIVERY', 'TASKPORT_WEBHOOK_CONCURRENCY'])
})

test('MCP: read-only mode and the browser origins allowed to call /mcp', () => {
  const defaults = decodeConfig({})
  assert.ok(E.isRight(defaults) && defaults.right.mcp.readOnly === false && defaults.right.mcp.allowedOrigins.length === 0)
  const set = decodeConfig({ TASKPORT_MCP_READ_ONLY: 'True', TASKPORT_MCP_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173,' })
  assert.ok(E.isRight(set))
  if (E.isRight(set)) assert.equal(set.right.mcp, { readOnly: true, allowedOrigins: ['https://app.example.com', 'http://localhost:5173'] })
  for (const [origins, bad] of [['https://app.example.com/', 'https://app.example.com/'], ['app.example.com', 'app.example.com'], ['https://a.example.com,ftp://b.example.com', 'ftp://b.example.com'], ['*', '*']]) {
    const refused = decodeConfig({ TASKPORT_MCP_ALLOWED_ORIGINS: origins })
    assert.ok(E.isLeft(refused), origins)
    if (E.isLeft(refused)) assert.equal(refused.left, [`TASKPORT_MCP_ALLOWED_ORIGINS: "${bad}" is not an origin such as https://app.example.com`])
  }
  const readOnly = decodeConfig({ TASKPORT_MCP_READ_ONLY: 'yes' })
  assert.ok(E.isLeft(readOnly) && readOnly.left[0] === 'TASKPORT_MCP_READ_ONLY: must be true or false')
})

test('TASKPORT_MIGRATE: migrations at start by default, false leaves them to `taskport migrate`, anything else is named', () => {
  const defaults = decodeConfig({})
  assert.ok(E.isRight(defaults) && defaults.right.migrate === true)
  const empty = decodeConfig({ TASKPORT_MIGRATE: '' })
  assert.ok(E.isRight(empty) && empty.right.migrate === true)
  for (const [raw, migrate] of [['true', true], ['TRUE', true], ['false', false], ['False', false]] as const) {
    const set = decodeConfig({ TASKPORT_MIGRATE: raw })
    assert.ok(E.isRight(set) && set.right.migrate === migrate, raw)
  }
  for (const bad of ['no', '0', 'off', 'yes']) {
    const refused = decodeConfig({ TASKPORT_MIGRATE: bad, PORT: '8080' })
    assert.ok(E.isLeft(refused), bad)
    if (E.isLeft(refused)) assert.equal(refused.left, ['TASKPORT_MIGRATE: must be true or false'])
  }
})

test.run()
