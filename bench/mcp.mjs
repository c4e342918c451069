// `npm run bench`, MCP: the same operation over MCP (POST /mcp, a JSON-RPC tools/call, as an agent's client sends
// it) and over REST, on one server in one run, in interleaved rounds: get_task against GET /api/tasks/{id}, and
// change_task_status against PATCH /api/tasks/{id}/status (each request moves one of 4,000 tasks between
// in_progress and blocked, so every one is a real transition with its audit entry). Also the size of tools/list.
//
//   CONNECTIONS=50 DURATION=10 ROUNDS=2 node bench/mcp.mjs     (after npm run build)
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres } from '../dist/adapters/persistence/embedded/embedded-postgres.js'
import { cannon as load, json, mean, startTaskport, writeBlock } from './lib.mjs'

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50)
const DURATION = Number(process.env.DURATION ?? 10)
const ROUNDS = Number(process.env.ROUNDS ?? 2)
const TASKS = 4_000

const dir = mkdtempSync(join(tmpdir(), 'taskport-bench-mcp-'))
chmodSync(dir, 0o755)
const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), persistent: false, fast: true })
const sql = new pg.Pool({ connectionString: postgres.url, max: 2 })
sql.on('error', () => undefined)
const results = {}
let server
try {
  server = await startTaskport({ DATABASE_URL: postgres.url, PORT: '0', HOST: '127.0.0.1', TASKPORT_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' })
  const api = (path) => `${server.url}${path}`
  const token = server.token
  const project = await json(api('/api/projects'), { method: 'POST', token, body: { slug: 'mcp-bench', name: 'MCP bench' } })
  const taskIds = (await sql.query(
    `insert into tasks (project_id, number, title, status, priority, tags, progress_percent, rollup_progress_percent, version, created_at, updated_at, started_at)
     select $1, n, 'task ' || n, 'in_progress', 'medium', '{bench}', 0, 0, 1, now(), now(), now() from generate_series(1, $2) as n returning id`, [project.id, TASKS])).rows.map((r) => r.id)
  await sql.query('update projects set task_counter = $2 where id = $1', [project.id, TASKS])
  await sql.query('analyze')

  const rpc = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
  const call = (name, args) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } })
  const list = await json(api('/mcp'), { method: 'POST', headers: rpc, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } })
  results.toolsList = { tools: list.result.tools.length, bytes: Buffer.byteLength(JSON.stringify(list.result)) }

  // Refusals over MCP are HTTP 200 with isError: counted from the bodies, with JSON-RPC errors.
  const refusals = { count: 0 }
  const onResponse = (status, body) => {
    if (status === 200 && (body.includes('"isError":true') || body.includes('"error":{"code"'))) refusals.count += 1
  }
  let g = 0
  const nextId = () => taskIds[(g += 1) % 100]
  // Each task's next status: in_progress <-> blocked, in the order the requests are made (4,000 tasks, so a task
  // is never changed by two requests in flight together).
  const next = new Map(taskIds.map((id) => [id, 'blocked']))
  let s = 0
  let issued = 0
  const move = () => {
    issued += 1
    const id = taskIds[(s += 1) % TASKS]
    const status = next.get(id)
    next.set(id, status === 'blocked' ? 'in_progress' : 'blocked')
    return { id, status }
  }
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const pairs = {
    get: [
      { name: 'REST GET /api/tasks/{id}', opts: { url: server.url, requests: [{ method: 'GET', headers: auth, setupRequest: (r) => ({ ...r, path: `/api/tasks/${nextId()}` }) }] } },
      { name: 'MCP get_task', opts: { url: server.url, requests: [{ method: 'POST', path: '/mcp', headers: rpc, setupRequest: (r) => ({ ...r, body: call('get_task', { task_id: nextId() }) }), onResponse }] } },
    ],
    status: [
      {
        name: 'REST PATCH /api/tasks/{id}/status',
        opts: { url: server.url, requests: [{ method: 'PATCH', headers: auth, setupRequest: (r) => { const m = move(); return { ...r, path: `/api/tasks/${m.id}/status`, body: JSON.stringify({ status: m.status }) } } }] },
      },
      {
        name: 'MCP change_task_status',
        opts: { url: server.url, requests: [{ method: 'POST', path: '/mcp', headers: rpc, setupRequest: (r) => { const m = move(); return { ...r, body: call('change_task_status', { task_id: m.id, status: m.status }) } }, onResponse }] },
      },
    ],
  }
  let statusRequests = 0
  for (const [key, targets] of Object.entries(pairs)) {
    for (const t of targets) {
      const warm = await load({ connections: CONNECTIONS, duration: 2, ...t.opts })
      if (key === 'status') statusRequests += warm.requests.total
    }
    const runs = targets.map(() => [])
    for (let round = 0; round < ROUNDS; round += 1) for (const [i, t] of targets.entries()) runs[i].push(await load({ connections: CONNECTIONS, duration: DURATION, ...t.opts }))
    results[key] = targets.map((t, i) => ({
      name: t.name, rps: mean(runs[i].map((r) => r.requests.average)), p50: mean(runs[i].map((r) => r.latency.p50)), p99: mean(runs[i].map((r) => r.latency.p99)),
      failed: runs[i].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0), requests: runs[i].reduce((n, r) => n + r.requests.total, 0),
    }))
  }
  statusRequests += results.status.reduce((n, r) => n + r.requests, 0)
  results.statusRequests = statusRequests
  results.statusIssued = issued
  results.refusals = refusals.count
  // Every status change wrote its audit entry (warm-ups included): the count proves the writes were real.
  results.audited = Number((await sql.query("select count(*)::int as n from audit_log where action = 'status_changed'")).rows[0].n)
  results.peakRssMb = server.peakRssMb()
} finally {
  await server?.stop().catch(() => undefined)
  await sql.end().catch(() => undefined)
  await postgres.stop()
  rmSync(dir, { recursive: true, force: true })
}

// ------------------------------------------------------------------------------------------------ report
const ratio = ([rest, mcp]) => mcp.rps / rest.rps
const row = (r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.failed} |`
const verdict = (x) => (x >= 0.7 ? 'met' : '**not met**')
const lines = [
  `MCP against REST (${new Date().toISOString().slice(0, 16)}Z, ${CONNECTIONS} connections, ${DURATION} s x ${ROUNDS} interleaved rounds, one server):`,
  '',
  '| target | req/s | p50 ms | p99 ms | non-2xx or errors |',
  '|---|---|---|---|---|',
  ...[...results.get, ...results.status].map(row),
  '',
  '| measure | value | target | |',
  '|---|---|---|---|',
  `| get_task: MCP / REST req/s | ${ratio(results.get).toFixed(2)} x | >= 0.7 x | ${verdict(ratio(results.get))} |`,
  `| change_task_status: MCP / REST req/s | ${ratio(results.status).toFixed(2)} x | >= 0.7 x | ${verdict(ratio(results.status))} |`,
  `| tools/list | ${results.toolsList.tools} tools, ${results.toolsList.bytes} bytes of JSON | < 16,384 bytes | ${results.toolsList.bytes < 16_384 ? 'met' : '**not met**'} |`,
  `| MCP refusals (isError or JSON-RPC error) in the runs | ${results.refusals} | 0 | |`,
  `| status changes audited (runs and warm-ups) | ${results.audited} | from ${results.statusRequests} answered to ${results.statusIssued} sent (those in flight when a run ends go unanswered) | ${results.audited >= results.statusRequests && results.audited <= results.statusIssued ? 'met' : '**not met**'} |`,
  `| peak RSS of the server | ${results.peakRssMb.toFixed(0)} MB | | |`,
]
console.log(lines.join('\n'))
writeBlock('mcp', 'MCP', lines)
const failed = [...results.get, ...results.status].reduce((n, r) => n + r.failed, 0) + results.refusals
if (failed > 0) {
  console.log(`${failed} requests failed`)
  process.exitCode = 1
}
