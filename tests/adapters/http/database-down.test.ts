// PostgreSQL stopped under the service: API requests get 503 with Retry-After (never a 500), readiness fails.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, chmodSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmbeddedPostgres } from '../../../src/adapters/persistence/embedded/embedded-postgres.js'
import { openDatabase } from '../../../src/adapters/persistence/mikro-orm/index.js'
import { createTaskportApp } from '../../../src/main/koa-app.js'
import { AUDIENCE, ISSUER, startJwks } from '../../support/http.js'
import { jwksAuthenticator } from '../../../src/adapters/auth/jwks-authenticator.js'

test('database down: 503 service_unavailable with Retry-After, readiness 503', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'taskport-down-'))
  chmodSync(dir, 0o755)
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), persistent: false, fast: true })
  const db = await openDatabase(pg.url)
  const jwks = await startJwks()
  const app = createTaskportApp({ uow: db.uow, authenticate: jwksAuthenticator({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE }), databaseReady: db.ping })
  const server = createServer(app.callback())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const headers = { authorization: `Bearer ${await jwks.sign({ sub: 'dana', email: 'dana@example.com' })}` }
  try {
    assert.is((await fetch(`${base}/api/projects`, { headers })).status, 200)
    await pg.stop()
    const res = await fetch(`${base}/api/projects`, { headers })
    assert.is(res.status, 503)
    assert.ok(res.headers.get('retry-after'))
    assert.equal(await res.json(), { error: 'service_unavailable', detail: 'Database unavailable, retry later', status_code: 503 })
    assert.is((await fetch(`${base}/health/ready`)).status, 503)
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await db.close()
    await jwks.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
