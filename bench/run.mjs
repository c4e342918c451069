// `npm run bench`: taskport against its baselines, in one run, on one PostgreSQL, on loopback.
//
//   1. GET /api/tasks/{id} (JWT, membership, detail view) vs bare Koa + pg doing the primary-key SELECT.
//   2. task-sync create and update vs raw pg sending the same statements in one transaction.
//   3. a page of 50 from a project of 1,000 tasks and from one of 100,000.
//   4. the cycle check at depth 1,000 (HTTP request, and the ancestor statement alone).
//   5. the peak RSS of the taskport process (VmHWM) over the whole run.
//
// taskport runs as `node <the flags of npm start> dist/main/start.js` in its own process, the baseline in another,
// autocannon in this one; all three share the machine's cores with PostgreSQL. Each pair is measured ROUNDS
// times, interleaved (A B A B), after a warm-up, and compared by ratios. The results are printed as a table and
// written into docs/performance.md between its bench markers.
//
//   CONNECTIONS=100 DURATION=10 ROUNDS=2 node bench/run.mjs     (after npm run build)
import { spawn } from 'node:child_process'
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import pg from 'pg'
import { startEmbeddedPostgres } from '../dist/adapters/persistence/embedded/embedded-postgres.js'
import { openDatabase } from '../dist/adapters/persistence/mikro-orm/index.js'
import { nodeTokenSecrets, randomIds, systemClock } from '../dist/adapters/system/index.js'
import { createTaskport } from '../dist/application/taskport.js'

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 100)
const DURATION = Number(process.env.DURATION ?? 10)
const ROUNDS = Number(process.env.ROUNDS ?? 2)
const WARMUP = Number(process.env.WARMUP ?? 3)
const DOC = new URL('../docs/performance.md', import.meta.url)

/** The ancestor statement of the PostgreSQL task store (src/adapters/persistence/mikro-orm/task-store.ts). */
const ANCESTORS = `with recursive up (id, parent_task_id, depth) as (
  select id, parent_task_id, 0 from tasks where id = $1
  union all
  select t.id, t.parent_task_id, up.depth + 1 from tasks t join up on t.id = up.parent_task_id where up.depth < 100000
)
select id from up where depth > 0 group by id order by min(depth)`

// ---------------------------------------------------------------------------------------------- processes

const spawnServer = (name, args, env, ready) => {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  // BENCH_SERVER_LOG=file: also write the servers' output there (e.g. with NODE_OPTIONS=--trace-gc).
  const append = (chunk) => {
    output += chunk.toString()
    if (process.env.BENCH_SERVER_LOG) appendFileSync(process.env.BENCH_SERVER_LOG, chunk)
  }
  child.stdout.on('data', append)
  child.stderr.on('data', append)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), 120_000)
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${output}`)))
    const check = () => {
      const found = ready(output)
      if (!found) return
      clearTimeout(timer)
      child.stdout.off('data', check)
      resolve({
        ...found,
        pid: child.pid,
        output: () => output,
        /** Peak resident set size of the process so far (VmHWM), in MB. */
        peakRssMb: () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
        rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
        stop: () => new Promise((done) => { child.once('exit', done); child.kill('SIGTERM') }),
      })
    }
    child.stdout.on('data', check)
  })
}

// ---------------------------------------------------------------------------------------------- load

const cannon = (opts) =>
  new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts }, (error, result) => (error ? reject(error) : resolve(result)))
  })

/** ROUNDS interleaved runs of each target, after a warm-up of each; the mean of the rounds per target. */
const compare = async (targets) => {
  for (const t of targets) await cannon({ ...t.opts, duration: WARMUP })
  const runs = targets.map(() => [])
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [i, t] of targets.entries()) {
      currentRss()
      const result = await cannon(t.opts)
      runs[i].push({ ...result, peakRssMb: currentRss() })
    }
  }
  return targets.map((t, i) => summarise(t.name, runs[i]))
}

/** Resets and returns the peak RSS of the taskport process since the last call (set once the server runs). */
let currentRss = () => 0

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length

const summarise = (name, results) => ({
  name,
  rps: mean(results.map((r) => r.requests.average)),
  p50: mean(results.map((r) => r.latency.p50)),
  p99: mean(results.map((r) => r.latency.p99)),
  maxP99: Math.max(...results.map((r) => r.latency.p99)),
  non2xx: results.reduce((a, r) => a + r.non2xx, 0),
  errors: results.reduce((a, r) => a + r.errors + r.timeouts, 0),
  requests: results.reduce((a, r) => a + r.requests.total, 0),
  peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
})

const json = async (url, { method = 'GET', token, body } = {}) => {
  const res = await fetch(url, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

const ok = async (url, options) => {
  const res = await json(url, options)
  if (res.status >= 300) throw new Error(`${options?.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

// ---------------------------------------------------------------------------------------------- run

const dir = mkdtempSync(join(tmpdir(), 'taskport-bench-'))
chmodSync(dir, 0o755) // the postgres user must reach the data folder inside
// fsync off: the bench measures what the code costs (CPU and round trips), not the disk of a shared machine.
const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), persistent: false, fast: true })
const sql = new pg.Pool({ connectionString: postgres.url, max: 2 })
sql.on('error', () => undefined) // the server going away at the end is expected
const servers = []
try {
  // The node flags of `npm start` (the heap cap), so that this measures what `npm start` runs.
  const startFlags = /node (.*?)\s*dist\/main\/start\.js/.exec(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start)?.[1]?.split(' ').filter(Boolean) ?? []
  const taskport = await spawnServer('taskport', [...startFlags, ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), 'dist/main/start.js'], {
    DATABASE_URL: postgres.url, PORT: '0', HOST: '127.0.0.1', TASKPORT_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn',
    TASKPORT_SYNC_RATE_LIMIT: '100000000', // the contract's 100 per minute would be all we measure
  }, (out) => {
    const url = /running at (http:\/\/\S+)/.exec(out)?.[1]
    const token = /Bearer token[^\n]*\n\n(\S+)/.exec(out)?.[1]
    return url && token ? { url: url.replace(/\/$/, ''), token } : undefined
  })
  servers.push(taskport)
  const baseline = await spawnServer('baseline', ['bench/baseline-server.mjs'], { DATABASE_URL: postgres.url, PORT: '0' }, (out) => {
    const url = /baseline listening on (\S+)/.exec(out)?.[1]
    return url ? { url } : undefined
  })
  servers.push(baseline)
  const api = (path) => `${taskport.url}${path}`
  const auth = { authorization: `Bearer ${taskport.token}` }

  // Seed: a project with 100 tasks made over HTTP (the GET targets), a token for task-sync, and two projects
  // filled by SQL with 1,000 and 100,000 tasks, and a chain of 1,000 nested tasks.
  const project = await ok(api('/api/projects'), { method: 'POST', token: taskport.token, body: { slug: 'bench', name: 'Bench' } })
  const taskIds = []
  for (let i = 0; i < 100; i += 1) taskIds.push((await ok(api(`/api/projects/${project.id}/tasks`), { method: 'POST', token: taskport.token, body: { title: `task ${i}`, tags: ['bench'] } })).id)
  const syncToken = (await ok(api(`/api/projects/${project.id}/api-tokens`), { method: 'POST', token: taskport.token, body: { name: 'bench' } })).token
  const sized = {}
  for (const size of [1_000, 100_000]) {
    const p = await ok(api('/api/projects'), { method: 'POST', token: taskport.token, body: { slug: `size-${size}`, name: `${size} tasks` } })
    await sql.query(
      `insert into tasks (project_id, number, title, status, priority, tags, progress_percent, rollup_progress_percent, version, created_at, updated_at)
       select $1, n, 'task ' || n, (array['backlog','pending','in_progress','review','completed'])[1 + n % 5], 'medium', '{seeded}', 0, 0, 1, now(), now()
       from generate_series(1, $2) as n`, [p.id, size])
    await sql.query('update projects set task_counter = $2 where id = $1', [p.id, size])
    sized[size] = p.id
  }
  const chain = await ok(api('/api/projects'), { method: 'POST', token: taskport.token, body: { slug: 'chain', name: 'Chain' } })
  const chainIds = (await sql.query(
    `insert into tasks (project_id, number, title, status, priority, progress_percent, rollup_progress_percent, version, created_at, updated_at)
     select $1, n, 'level ' || n, 'pending', 'medium', 0, 0, 1, now(), now() from generate_series(1, 1000) as n returning id`, [chain.id])).rows.map((r) => r.id)
  for (let i = 1; i < chainIds.length; i += 1) await sql.query('update tasks set parent_task_id = $1 where id = $2', [chainIds[i - 1], chainIds[i]])
  await sql.query('update projects set task_counter = 1000 where id = $1', [chain.id])
  await sql.query('analyze')

  const results = {}
  // The taskport process's RSS, sampled every 250 ms: the peak per target goes into the table.
  const rssSampler = { peak: 0 }
  const sampling = setInterval(() => { rssSampler.peak = Math.max(rssSampler.peak, taskport.rssMb()) }, 250)
  results.rssAtStart = taskport.rssMb()
  currentRss = () => {
    const peak = rssSampler.peak
    rssSampler.peak = 0
    return peak
  }

  // 1. GET a task by id.
  let g = 0
  const nextId = () => taskIds[(g += 1) % taskIds.length]
  ;[results.get, results.getBase] = await compare([
    { name: 'taskport GET /api/tasks/{id}', opts: { url: taskport.url, requests: [{ method: 'GET', headers: auth, setupRequest: (r) => ({ ...r, path: `/api/tasks/${nextId()}` }) }] } },
    { name: 'baseline Koa + pg SELECT by id', opts: { url: baseline.url, requests: [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/tasks/${nextId()}` }) }] } },
  ])

  // 2. task-sync, create path (a new external id per request) and update path (a new name for one of 200 ids).
  let c = 0
  const createBody = (prefix) => () => JSON.stringify({ source: 'custom', external_id: `${prefix}-${(c += 1)}`, name: `created ${c}`, labels: ['bench'] })
  const syncHeaders = { authorization: `Bearer ${syncToken}`, 'content-type': 'application/json' }
  ;[results.create, results.createBase] = await compare([
    { name: 'taskport task-sync create', opts: { url: api(`/api/projects/${project.id}/task-sync`), method: 'POST', headers: syncHeaders, requests: [{ setupRequest: (r) => ({ ...r, body: createBody('T')() }) }] } },
    { name: 'raw pg, same statements, one transaction', opts: { url: `${baseline.url}/task-sync`, method: 'POST', headers: syncHeaders, requests: [{ setupRequest: (r) => ({ ...r, body: createBody('B')() }) }] } },
  ])
  // Enough ids that two pushes in flight rarely hit one task (taskport then retries the loser, the baseline
  // would silently update nothing): this measures the update path, not row-lock contention.
  const UPDATE_IDS = 2_000
  for (let i = 0; i < UPDATE_IDS; i += 20) {
    await Promise.all(Array.from({ length: 20 }, (_, j) =>
      ok(api(`/api/projects/${project.id}/task-sync`), { method: 'POST', token: syncToken, body: { source: 'jira', external_id: `U-${i + j}`, name: 'seed' } })))
  }
  let u = 0
  // A stride through the ids: consecutive requests (the ones in flight together) name different tasks.
  const updateBody = () => JSON.stringify({ source: 'jira', external_id: `U-${((u += 1) * 7) % UPDATE_IDS}`, name: `renamed ${u}` })
  ;[results.update, results.updateBase] = await compare([
    { name: 'taskport task-sync update', opts: { url: api(`/api/projects/${project.id}/task-sync`), method: 'POST', headers: syncHeaders, requests: [{ setupRequest: (r) => ({ ...r, body: updateBody() }) }] } },
    { name: 'raw pg, same statements, one transaction', opts: { url: `${baseline.url}/task-sync`, method: 'POST', headers: syncHeaders, requests: [{ setupRequest: (r) => ({ ...r, body: updateBody() }) }] } },
  ])
  // Both sides must send the same statements: the baseline says how many it sent; taskport's own count comes from
  // its unit of work's statement counter, running the same use case in this process on the same database.
  const probe = async (body) => Number((await fetch(`${baseline.url}/task-sync`, { method: 'POST', headers: syncHeaders, body: JSON.stringify(body) })).headers.get('x-statements'))
  const counted = []
  const db = await openDatabase(postgres.url, { onStatements: (n) => counted.push(n) })
  try {
    const tp = createTaskport({ uow: db.uow, clock: systemClock, ids: randomIds, secrets: nodeTokenSecrets })
    const push = async (externalId, name) => {
      const result = await tp.sync({ projectId: project.id, rawToken: syncToken, payload: { source: 'custom', externalId, name, labels: ['bench'] } })
      if (result._tag !== 'Right') throw new Error(`counting push: ${JSON.stringify(result.left)}`)
      return counted.pop()
    }
    results.statements = {
      create: [await push('count-1', 'probe'), await probe({ source: 'custom', external_id: 'probe-1', name: 'probe', labels: ['bench'] })],
      update: [await push('count-1', 'probe 2'), await probe({ source: 'custom', external_id: 'probe-1', name: 'probe 2', labels: ['bench'] })],
    }
  } finally {
    await db.close()
  }

  // 3. A page of 50, from 1,000 and from 100,000 tasks.
  ;[results.list1k, results.list100k] = await compare([
    { name: 'list 50 of 1,000 tasks', opts: { url: api(`/api/projects/${sized[1_000]}/tasks?limit=50`), headers: auth } },
    { name: 'list 50 of 100,000 tasks', opts: { url: api(`/api/projects/${sized[100_000]}/tasks?limit=50`), headers: auth } },
  ])

  // 4. Cycle check at depth 1,000: make the root a child of the deepest task (refused), one request at a time.
  const cycleTimes = []
  for (let i = 0; i < 200; i += 1) {
    const started = process.hrtime.bigint()
    const res = await json(api(`/api/tasks/${chainIds[0]}`), { method: 'PUT', token: taskport.token, body: { parent_task_id: chainIds[999] } })
    cycleTimes.push(Number(process.hrtime.bigint() - started) / 1e6)
    if (res.status !== 400 || !/Circular/.test(res.body.detail)) throw new Error(`cycle check: ${res.status} ${JSON.stringify(res.body)}`)
  }
  const statementTimes = []
  for (let i = 0; i < 200; i += 1) {
    const started = process.hrtime.bigint()
    const { rows } = await sql.query(ANCESTORS, [chainIds[999]])
    statementTimes.push(Number(process.hrtime.bigint() - started) / 1e6)
    if (rows.length !== 999) throw new Error(`ancestor chain: ${rows.length} rows`)
  }
  results.cycle = { request: percentiles(cycleTimes), statement: percentiles(statementTimes) }
  clearInterval(sampling)
  results.peakRss = taskport.peakRssMb()
  results.rss = taskport.rssMb()

  const report = render(results)
  console.log(report)
  const doc = readFileSync(DOC, 'utf8')
  const start = '<!-- bench:start -->'
  const end = '<!-- bench:end -->'
  if (doc.includes(start) && doc.includes(end)) {
    writeFileSync(DOC, `${doc.slice(0, doc.indexOf(start) + start.length)}\n${report}\n${doc.slice(doc.indexOf(end))}`)
    console.log('written to docs/performance.md')
  }
  const all = [results.get, results.getBase, results.create, results.createBase, results.update, results.updateBase, results.list1k, results.list100k]
  if (all.some((r) => r.errors > 0 || r.non2xx > 0)) {
    console.log('some requests failed: see the non-2xx and errors columns')
    process.exitCode = 1
  }
} finally {
  for (const s of servers) await s.stop()
  await sql.end()
  await postgres.stop()
  rmSync(dir, { recursive: true, force: true })
}

// ---------------------------------------------------------------------------------------------- report


function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
  return { p50: at(50), p99: at(99), n: values.length }
}

function render(r) {
  const f = (n, d = 0) => n.toFixed(d)
  const verdict = (pass) => (pass ? 'met' : '**not met**')
  const row = (x) => `| ${x.name} | ${f(x.rps)} | ${f(x.p50, 1)} | ${f(x.p99, 1)} | ${x.non2xx} | ${x.errors} | ${x.name.startsWith('taskport') || x.name.startsWith('list') ? f(x.peakRssMb) : ''} |`
  const getRatio = r.get.rps / r.getBase.rps
  const createRatio = r.create.rps / r.createBase.rps
  const updateRatio = r.update.rps / r.updateBase.rps
  const listRatio = r.list100k.p50 / r.list1k.p50
  return [
    `Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version},`,
    `${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} interleaved rounds per target (means), ${WARMUP} s warm-up.`,
    '',
    '| target | req/s | p50 ms | p99 ms | non-2xx | errors | taskport peak RSS MB |',
    '|---|---|---|---|---|---|---|',
    ...[r.get, r.getBase, r.create, r.createBase, r.update, r.updateBase, r.list1k, r.list100k].map(row),
    '',
    '| measure | value | target | |',
    '|---|---|---|---|',
    `| GET /api/tasks/{id}: taskport / baseline req/s | ${f(getRatio, 2)} x | >= 0.6 x | ${verdict(getRatio >= 0.6)} |`,
    `| GET /api/tasks/{id}: taskport p99 (worst round) | ${f(r.get.maxP99, 1)} ms | < 50 ms | ${verdict(r.get.maxP99 < 50)} |`,
    `| task-sync create: taskport / raw pg req/s | ${f(createRatio, 2)} x | >= 0.5 x | ${verdict(createRatio >= 0.5)} |`,
    `| task-sync update: taskport / raw pg req/s | ${f(updateRatio, 2)} x | >= 0.5 x | ${verdict(updateRatio >= 0.5)} |`,
    `| statements per push, taskport / baseline, without BEGIN/COMMIT: create, update (a rename) | ${r.statements.create.join(' / ')}, ${r.statements.update.join(' / ')} | equal | ${verdict(r.statements.create[0] === r.statements.create[1] && r.statements.update[0] === r.statements.update[1])} |`,
    `| list page of 50: p50 at 100,000 tasks / p50 at 1,000 tasks | ${f(listRatio, 2)} x (${f(r.list100k.p50, 1)} / ${f(r.list1k.p50, 1)} ms) | ~1 x | ${verdict(listRatio < 1.25)} |`,
    `| cycle check at depth 1,000: whole request p50 / p99 | ${f(r.cycle.request.p50, 1)} / ${f(r.cycle.request.p99, 1)} ms | < 20 ms | ${verdict(r.cycle.request.p99 < 20)} |`,
    `| cycle check at depth 1,000: the ancestor statement alone p50 / p99 | ${f(r.cycle.statement.p50, 1)} / ${f(r.cycle.statement.p99, 1)} ms | one round trip | |`,
    `| peak RSS of the taskport process (VmHWM) | ${f(r.peakRss)} MB (${f(r.rssAtStart)} MB after start and seeding, ${f(r.rss)} MB at the end) | < 250 MB | ${verdict(r.peakRss < 250)} |`,
  ].join('\n')
}
