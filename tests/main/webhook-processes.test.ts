// Outgoing webhooks with real server processes (`src/main/start.ts`) on one PostgreSQL and receivers on 127.0.0.1:
// a process killed with SIGKILL right after a commit, or during an attempt, loses nothing; two instances deliver
// 500 events, each once, never attempting one delivery twice at the same time, within the per-endpoint limit.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { freshDatabase, type TestDatabase } from '../support/postgres.js'
import { startJwks, type JwksServer } from '../support/http.js'
import { startTaskport, stopProcess, type TaskportServer } from '../support/processes.js'
import { startReceiver, type Receiver } from '../support/receiver.js'

interface Ctx {
  database: TestDatabase
  jwks: JwksServer
  dataDir: string
  servers: TaskportServer[]
  receiver: Receiver
}

const it = suite<Ctx>('outgoing webhooks across processes')

const SECRET_KEY = 'ab'.repeat(32)

it.before.each(async (ctx) => {
  ctx.database = await freshDatabase()
  ctx.jwks = await startJwks()
  ctx.dataDir = mkdtempSync(join(tmpdir(), 'taskport-webhooks-'))
  ctx.servers = []
  ctx.receiver = await startReceiver()
})
it.after.each(async (ctx) => {
  for (const s of ctx.servers) await stopProcess(s.process)
  await ctx.receiver.stop()
  await ctx.jwks.stop()
  await ctx.database.drop()
  rmSync(ctx.dataDir, { recursive: true, force: true })
})

const start = async (ctx: Ctx, env: Record<string, string> = {}) => {
  const server = await startTaskport({
    databaseUrl: ctx.database.url, dataDir: ctx.dataDir, jwksUrl: ctx.jwks.url,
    env: { TASKPORT_SECRET_KEY: SECRET_KEY, TASKPORT_WEBHOOK_ALLOW_PRIVATE: 'true', TASKPORT_WEBHOOK_TIMEOUT: '2s', TASKPORT_WEBHOOK_RETRY_SCHEDULE: '200ms,200ms,200ms', ...env },
  })
  ctx.servers.push(server)
  return server
}

const call = async (ctx: Ctx, server: TaskportServer, method: string, path: string, body?: unknown) => {
  const token = await ctx.jwks.sign({ sub: 'wes', email: 'wes@example.com', name: 'wes' })
  const res = await fetch(`${server.url}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

const kill = async (server: TaskportServer) => {
  const exited = new Promise((resolve) => server.process.child.once('exit', resolve))
  server.process.child.kill('SIGKILL')
  await exited
}

const setUp = async (ctx: Ctx, server: TaskportServer, events?: string[]) => {
  const pid = (await call(ctx, server, 'POST', '/api/projects', { slug: 'crash', name: 'Crash' })).body.id
  const hook = await call(ctx, server, 'POST', `/api/projects/${pid}/webhooks`, { url: ctx.receiver.url, ...(events ? { events } : {}) })
  assert.is(hook.status, 201, JSON.stringify(hook.body))
  return { pid, hook: hook.body.id as string }
}

it('SIGKILL right after COMMIT, before any delivery: after a restart the event is delivered', async (ctx) => {
  // This instance serves but does not deliver: the change commits, and the process dies before anyone delivered.
  const a = await start(ctx, { TASKPORT_WEBHOOK_DELIVERY: 'false' })
  const { pid } = await setUp(ctx, a, ['task.created'])
  const created = await call(ctx, a, 'POST', `/api/projects/${pid}/tasks`, { title: 'Committed, then killed' })
  assert.is(created.status, 201)
  await kill(a)
  assert.is(ctx.receiver.received.length, 0)
  const b = await start(ctx)
  const [request] = await ctx.receiver.waitFor(1, 20_000)
  const body = JSON.parse(request?.body ?? '{}')
  assert.equal([body.type, body.data.object.id, body.data.object.title], ['task.created', created.body.id, 'Committed, then killed'])
  await stopProcess(b.process)
})

it('SIGKILL during an attempt: the attempt is made again (after the lease), with the same event id and body', async (ctx) => {
  ctx.receiver.answer = (_r, n) => (n === 1 ? { hang: true } : { status: 204 })
  const a = await start(ctx)
  const { pid, hook } = await setUp(ctx, a)
  await call(ctx, a, 'POST', `/api/projects/${pid}/webhooks/${hook}/ping`)
  await ctx.receiver.waitFor(1)
  await kill(a)
  const started = Date.now()
  const b = await start(ctx)
  const [first, second] = await ctx.receiver.waitFor(2, 30_000)
  assert.is(second?.headers['webhook-id'], first?.headers['webhook-id'])
  assert.is(second?.body, first?.body)
  console.log(`    retried ${Math.round((Date.now() - started) / 100) / 10} s after the kill (the lease: timeout 2 s + 5 s)`)
  const deliveries = async () => (await call(ctx, b, 'GET', `/api/projects/${pid}/webhooks/${hook}/deliveries`)).body.items
  for (let i = 0; i < 100 && (await deliveries())[0]?.status !== 'succeeded'; i += 1) await new Promise((r) => setTimeout(r, 100))
  const [delivery] = await deliveries()
  assert.equal([delivery.status, delivery.attempts], ['succeeded', 1], 'the killed attempt left no record; the retry is the one logged')
  await stopProcess(b.process)
})

it('two instances, 500 events: each delivered, no delivery attempted twice, at most TASKPORT_WEBHOOK_CONCURRENCY (here 10) at once to the endpoint', async (ctx) => {
  let inFlight = 0
  let maxInFlight = 0
  ctx.receiver.answer = () => {
    inFlight += 1
    maxInFlight = Math.max(maxInFlight, inFlight)
    setTimeout(() => (inFlight -= 1), 20)
    return { status: 204, delayMs: 20 }
  }
  const [a, b] = await Promise.all([start(ctx, { TASKPORT_WEBHOOK_CONCURRENCY: '10' }), start(ctx, { TASKPORT_WEBHOOK_CONCURRENCY: '10' })])
  assert.ok(a && b)
  const { pid, hook } = await setUp(ctx, a, ['task.created'])
  const creates: Promise<unknown>[] = []
  for (let i = 0; i < 500; i += 1) {
    creates.push(call(ctx, i % 2 === 0 ? a : b, 'POST', `/api/projects/${pid}/tasks`, { title: `event ${i}` }))
    if (creates.length >= 20) await Promise.all(creates.splice(0))
  }
  await Promise.all(creates)
  const received = await ctx.receiver.waitFor(500, 60_000)
  await new Promise((resolve) => setTimeout(resolve, 500))
  const ids = received.map((r) => String(r.headers['webhook-id']))
  assert.is(new Set(ids).size, 500, 'every event arrived')
  assert.is(ids.length, 500, 'none twice: each attempt was made by one instance')
  assert.ok(maxInFlight <= 10, `at most 10 concurrent requests to the endpoint, saw ${maxInFlight}`)
  const list = await call(ctx, a, 'GET', `/api/projects/${pid}/webhooks/${hook}/deliveries?status=succeeded&limit=200`)
  assert.is(list.body.items.length, 200)
  console.log(`    500 events over two instances: ${ids.length} requests, at most ${maxInFlight} at once`)
})

it.run()
