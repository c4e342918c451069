// Task-sync throughput against `npm start` (embedded PostgreSQL in a throw-away data dir, development auth):
// the create path (a new external id per request), the update path (existing ids, a new name each time) and
// identical pushes (nothing to write). autocannon, CONNECTIONS connections, DURATION seconds per path.
//
//   npm run bench                      # all benches
//   node bench/task-sync.mjs           # this one; CONNECTIONS=100 DURATION=10 by default
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 100)
const DURATION = Number(process.env.DURATION ?? 10)
const UPDATE_IDS = 200

const startServer = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskport-bench-'))
  chmodSync(dataDir, 0o755) // mkdtemp makes it 700: the postgres user must reach the database inside
  // The contract's 100 pushes per minute per project would be all we measure: lift it for the benchmark.
  const child = spawn('npm', ['start'], {
    env: { ...process.env, PORT: '0', TASKPORT_DATA_DIR: dataDir, TASKPORT_SYNC_RATE_LIMIT: '100000000', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk.toString()))
  const [url, token] = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not start:\n${output}`)), 180_000)
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)))
    child.stdout.on('data', () => {
      const url = /running at (http:\/\/\S+)/.exec(output)?.[1]
      const token = /Bearer token[^\n]*\n\n(\S+)/.exec(output)?.[1]
      if (url && token) {
        clearTimeout(timer)
        resolve([url, token])
      }
    })
  })
  return {
    url,
    token,
    /** RSS of the server process (npm's child node process, found through the process group). */
    rssMb: () => {
      // npm -> sh -c "... && node dist/main/start.js" -> node: walk the descendants to the node process.
      const children = (pid) => { try { return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean) } catch { return [] } }
      const queue = [String(child.pid)]
      while (queue.length > 0) {
        const pid = queue.shift()
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
        if (argv[0]?.endsWith('node') && argv.includes('dist/main/start.js')) {
          return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
        }
        queue.push(...children(pid))
      }
      return Number.NaN
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      process.kill(-child.pid, 'SIGTERM')
      await exited
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const call = async (url, path, token, body) => {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return res.json()
}

const run = (title, url, path, token, body) =>
  new Promise((resolve, reject) => {
    let n = 0
    autocannon(
      {
        url: `${url}${path}`,
        connections: CONNECTIONS,
        duration: DURATION,
        requests: [{ method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: JSON.stringify(body((n += 1))) }) }],
      },
      (error, result) => (error ? reject(error) : resolve({ title, result })),
    )
  })

const row = ({ title, result }) =>
  `| ${title} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p90} | ${result.latency.p97_5} | ${result.latency.p99} | ${result.non2xx} | ${result.errors + result.timeouts} |`

const server = await startServer()
try {
  const project = await call(server.url, '/api/projects', server.token, { slug: `bench-${Date.now()}`, name: 'Bench' })
  const { token } = await call(server.url, `/api/projects/${project.id}/api-tokens`, server.token, { name: 'bench' })
  const path = `/api/projects/${project.id}/task-sync`
  for (let i = 0; i < UPDATE_IDS; i += 1) await call(server.url, path, token, { source: 'jira', external_id: `U-${i}`, name: 'seed' })
  const rssBefore = server.rssMb()
  const results = []
  results.push(await run('create (new external id each request)', server.url, path, token, (n) => ({ source: 'custom', external_id: `C-${n}`, name: `created ${n}`, labels: ['bench'], status: 'todo' })))
  results.push(await run(`update (${UPDATE_IDS} ids, a new name each request)`, server.url, path, token, (n) => ({ source: 'jira', external_id: `U-${n % UPDATE_IDS}`, name: `renamed ${n}`, status: n % 2 ? 'in_progress' : 'todo' })))
  results.push(await run('identical push (nothing to write)', server.url, path, token, () => ({ source: 'jira', external_id: 'U-0', name: 'same' })))
  const rssAfter = server.rssMb()
  console.log(`\ntask-sync against npm start: ${CONNECTIONS} connections, ${DURATION} s per path, ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? '?'} CPUs shared with autocannon\n`)
  console.log('| path | req/s | p50 ms | p90 ms | p97.5 ms | p99 ms | non-2xx | errors |')
  console.log('|---|---|---|---|---|---|---|---|')
  for (const r of results) console.log(row(r))
  console.log(`\nserver RSS: ${rssBefore.toFixed(0)} MB before, ${rssAfter.toFixed(0)} MB after`)
  if (results.some((r) => r.result.non2xx > 0 || r.result.errors > 0)) process.exitCode = 1
} finally {
  await server.stop()
}
