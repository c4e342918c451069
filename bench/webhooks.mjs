// `npm run bench`, outgoing webhooks: what the outbox costs the write path, how fast the delivery runner empties a
// queue, and the lag from COMMIT to the receiver under a steady load. Everything on loopback: taskport as
// `npm start` runs it (its own process), PostgreSQL embedded, a receiver in this process that answers 204 at once.
//
//   1. write path: POST /api/projects/{pid}/tasks in a project without endpoints and in one with a subscribed
//      endpoint (delivery off meanwhile), and GET /api/tasks/{id}, interleaved rounds (ratios).
//   2. throughput: the deliveries queued by (1), emptied by a restarted server with delivery on: deliveries/s.
//   3. lag: task creations offered at 100/s and at 1,000/s (open loop) for LAG_SECONDS; receiver time minus the
//      event's created_at (the audit time, in the committing transaction), p50 and p99.
//   4. the peak RSS of the delivering server (VmHWM).
//
//   CONNECTIONS=50 DURATION=10 ROUNDS=2 LAG_SECONDS=10 node bench/webhooks.mjs     (after npm run build)
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres } from '../dist/adapters/persistence/embedded/embedded-postgres.js'
import { cannon as load, interleaved, json, pct, startTaskport, writeBlock } from './lib.mjs'

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50)
const DURATION = Number(process.env.DURATION ?? 10)
const ROUNDS = Number(process.env.ROUNDS ?? 2)
const LAG_SECONDS = Number(process.env.LAG_SECONDS ?? 10)

const cannon = (opts) => load({ connections: CONNECTIONS, duration: DURATION, ...opts })

// The receiver: 204 at once; records the arrival time and the event's created_at.
const arrivals = []
const receiver = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    res.writeHead(204).end()
    const at = Date.now()
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      arrivals.push({ at, createdAt: Date.parse(body.created_at), id: req.headers['webhook-id'] })
    } catch {
      arrivals.push({ at, createdAt: NaN, id: req.headers['webhook-id'] })
    }
  })
})
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve))
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`

const dir = mkdtempSync(join(tmpdir(), 'taskport-bench-webhooks-'))
chmodSync(dir, 0o755)
const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), persistent: false, fast: true })
const sql = new pg.Pool({ connectionString: postgres.url, max: 2 })
sql.on('error', () => undefined)
const env = (deliver) => ({
  DATABASE_URL: postgres.url, PORT: '0', HOST: '127.0.0.1', TASKPORT_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn',
  TASKPORT_WEBHOOK_ALLOW_PRIVATE: 'true', TASKPORT_WEBHOOK_DELIVERY: deliver ? 'true' : 'false',
})
const results = {}
let server
try {
  // ------------------------------------------------------------------------------------------- 1. write path
  server = await startTaskport(env(false))
  const api = (path) => `${server.url}${path}`
  const token = server.token
  const plain = await json(api('/api/projects'), { method: 'POST', token, body: { slug: 'no-hooks', name: 'No hooks' } })
  const hooked = await json(api('/api/projects'), { method: 'POST', token, body: { slug: 'hooked', name: 'Hooked' } })
  await json(api(`/api/projects/${hooked.id}/webhooks`), { method: 'POST', token, body: { url: receiverUrl, events: ['task.*'] } })
  const someTask = await json(api(`/api/projects/${hooked.id}/tasks`), { method: 'POST', token, body: { title: 'read me' } })
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const targets = [
    { name: 'create task, no endpoint', opts: { url: api(`/api/projects/${plain.id}/tasks`), method: 'POST', headers: auth, body: JSON.stringify({ title: 'bench' }) } },
    { name: 'create task, 1 subscribed endpoint', opts: { url: api(`/api/projects/${hooked.id}/tasks`), method: 'POST', headers: auth, body: JSON.stringify({ title: 'bench' }) } },
    { name: 'GET /api/tasks/{id}', opts: { url: api(`/api/tasks/${someTask.id}`), headers: auth } },
  ]
  results.write = await interleaved(targets, cannon, ROUNDS)
  const queued = Number((await sql.query("select count(*)::int as n from webhook_event_deliveries where status = 'pending'")).rows[0].n)
  await server.stop()

  // ------------------------------------------------------------------------------------------- 2. throughput
  arrivals.length = 0
  const started = Date.now()
  server = await startTaskport(env(true))
  const startupMs = Date.now() - started
  const drainStart = Date.now()
  for (;;) {
    const pending = Number((await sql.query("select count(*)::int as n from webhook_event_deliveries where status = 'pending'")).rows[0].n)
    if (pending === 0 || Date.now() - drainStart > 600_000) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const drainMs = Date.now() - drainStart
  results.throughput = { queued, delivered: arrivals.length, seconds: drainMs / 1000, perSecond: arrivals.length / (drainMs / 1000), startupMs }

  // ------------------------------------------------------------------------------------------- 3. lag
  results.lag = []
  const api2 = (path) => `${server.url}${path}`
  for (const rate of [100, 1000]) {
    arrivals.length = 0
    const total = rate * LAG_SECONDS
    let sent = 0
    let failed = 0
    let skipped = 0
    const createMs = []
    const inflight = new Set()
    const begin = Date.now()
    await new Promise((resolve) => {
      const tick = setInterval(() => {
        const due = Math.min(total, Math.floor(((Date.now() - begin) / 1000) * rate))
        while (sent < due) {
          sent += 1
          // Clients hold a bounded number of connections: past 256 in flight, an offer is not made (saturation).
          if (inflight.size >= 256) {
            skipped += 1
            continue
          }
          const t0 = Date.now()
          const p = fetch(api2(`/api/projects/${hooked.id}/tasks`), { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: '{"title":"lag"}' })
            .then((r) => { if (r.status !== 201) failed += 1; return r.arrayBuffer() }, () => { failed += 1 }).finally(() => createMs.push(Date.now() - t0))
          inflight.add(p)
          p.finally(() => inflight.delete(p))
        }
        if (sent >= total) {
          clearInterval(tick)
          resolve()
        }
      }, 5)
    })
    await Promise.all([...inflight])
    const offeredSeconds = (Date.now() - begin) / 1000
    const wanted = sent - failed - skipped
    const until = Date.now() + 60_000
    while (arrivals.length < wanted && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50))
    const lags = arrivals.map((a) => a.at - a.createdAt).filter(Number.isFinite).sort((a, b) => a - b)
    createMs.sort((a, b) => a - b)
    results.lag.push({ rate, achieved: wanted / offeredSeconds, delivered: arrivals.length, failed, p50: pct(lags, 50), p99: pct(lags, 99), max: lags.at(-1), createP50: pct(createMs, 50), createP99: pct(createMs, 99), skipped })
  }
  results.peakRssMb = server.peakRssMb()
} finally {
  await server?.stop().catch(() => undefined)
  await sql.end().catch(() => undefined)
  await postgres.stop()
  receiver.close()
  rmSync(dir, { recursive: true, force: true })
}

// ------------------------------------------------------------------------------------------------ report
const [noHook, withHook, get] = results.write
const lines = [
  `Outgoing webhooks (${new Date().toISOString().slice(0, 16)}Z, ${CONNECTIONS} connections, ${DURATION} s x ${ROUNDS} rounds):`,
  '',
  '| measure | value |',
  '|---|---|',
  `| create task, no endpoint | ${noHook.rps.toFixed(0)} req/s (p99 ${noHook.p99.toFixed(0)} ms) |`,
  `| create task, 1 subscribed endpoint | ${withHook.rps.toFixed(0)} req/s (p99 ${withHook.p99.toFixed(0)} ms), ${(withHook.rps / noHook.rps).toFixed(2)}x |`,
  `| GET /api/tasks/{id} | ${get.rps.toFixed(0)} req/s (p99 ${get.p99.toFixed(0)} ms) |`,
  `| deliveries to a 204 receiver, queue of ${results.throughput.queued} | ${results.throughput.perSecond.toFixed(0)} per second (${results.throughput.delivered} in ${results.throughput.seconds.toFixed(1)} s) |`,
  ...results.lag.map((l) => `| lag COMMIT -> receiver at ${l.rate}/s offered (${l.achieved.toFixed(0)}/s achieved) | p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms (${l.delivered} delivered, ${l.failed} failed and ${l.skipped} not offered (256 in flight) creates; create p50 ${l.createP50} ms, p99 ${l.createP99} ms) |`),
  `| peak RSS of the delivering server | ${results.peakRssMb.toFixed(0)} MB |`,
  `| non-2xx or errors in the write-path runs | ${results.write.reduce((n, r) => n + r.non2xx, 0)} |`,
]
console.log(lines.join('\n'))
writeBlock('webhooks', 'Outgoing webhooks', lines)
