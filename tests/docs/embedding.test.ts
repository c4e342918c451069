// docs/embedding.md's example, for real: a host Koa service with taskport mounted under /taskport.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { buildHostService } from '../../docs/examples/embedding.example.js'
import { AUDIENCE, ISSUER, startJwks } from '../support/http.js'
import { freshDatabase } from '../support/postgres.js'

test('a host service mounts taskport under its own prefix, with its own database and SSO', async () => {
  const jwks = await startJwks()
  const database = await freshDatabase()
  const { host, close } = await buildHostService({ databaseUrl: database.url, jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE })
  const server = createServer(host.callback())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    const token = await jwks.sign({ sub: 'hosted', email: 'hosted@example.com' })
    const projects = await fetch(`${base}/taskport/api/projects`, { headers: { authorization: `Bearer ${token}` } })
    assert.is(projects.status, 200)
    assert.is(((await projects.json()) as { items: unknown[] }).items.length, 1)
    assert.equal(await (await fetch(`${base}/taskport/health/ready`)).json(), { status: 'ready', database: 'ok' })
    assert.equal(await (await fetch(`${base}/elsewhere`)).json(), { service: 'host', path: '/elsewhere' })
    assert.is((await fetch(`${base}/api/projects`)).status, 200, 'outside the prefix the host answers')
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await close()
    await database.drop()
    await jwks.stop()
  }
})

test.run()
