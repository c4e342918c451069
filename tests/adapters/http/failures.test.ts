// What a client sees when things break: a 500 says only "internal error" with a request id (the cause goes to
// the log, never a stack trace to the client); readiness reports the database; logs never carry credentials.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHttpApp } from '../../../src/adapters/http/app.js'
import { inMemoryAdapters } from '../../../src/adapters/persistence/memory/index.js'
import { createTaskport } from '../../../src/application/taskport.js'

const serve = async (options: { failing?: boolean; ready?: boolean }) => {
  const lines: string[] = []
  const logger = { info: (o: object, m: string) => lines.push(JSON.stringify({ ...o, m })), error: (o: object, m: string) => lines.push(JSON.stringify({ ...o, m })) }
  const memory = inMemoryAdapters()
  const uow = options.failing ? { run: async () => { throw new Error('database exploded: SELECT secret FROM x') } } : memory.uow
  const app = createHttpApp({
    taskport: createTaskport({ ...memory, uow }),
    authenticate: async () => E.right({ kind: 'user', userId: 'u1', email: 'u1@example.com' }),
    databaseReady: async () => options.ready ?? true,
    logger,
  })
  const server = createServer(app.callback())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines, stop: () => new Promise<void>((r) => server.close(() => r())) }
}

test('an unexpected failure is a generic 500 with the request id; the cause is logged, not sent', async () => {
  const s = await serve({ failing: true })
  try {
    const res = await fetch(`${s.base}/api/projects`, { headers: { authorization: 'Bearer secret-token-value', 'x-request-id': 'req-42' } })
    assert.is(res.status, 500)
    const body = (await res.json()) as Record<string, unknown>
    assert.equal(body, { error: 'internal_error', detail: 'Internal error (request req-42)', status_code: 500 })
    assert.ok(s.lines.some((l) => l.includes('database exploded') && l.includes('req-42')), 'the cause is logged with the request id')
    assert.not.ok(s.lines.some((l) => l.includes('secret-token-value')), 'credentials are never logged')
  } finally {
    await s.stop()
  }
})

test('readiness: 503 with database unavailable, in the error shape, with Retry-After', async () => {
  const s = await serve({ ready: false })
  try {
    const res = await fetch(`${s.base}/health/ready`)
    assert.is(res.status, 503)
    assert.ok(res.headers.get('retry-after'))
    const body = (await res.json()) as Record<string, unknown>
    assert.is(body.database, 'unavailable')
    assert.is(body.error, 'service_unavailable')
    assert.equal(await (await fetch(`${s.base}/health`)).json(), { status: 'ok' })
  } finally {
    await s.stop()
  }
})

test.run()
