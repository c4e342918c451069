// `npm run bench`, Idempotency-Key: what a key costs the write path, and what a replay costs. taskport as `npm start`
// runs it (its own process), PostgreSQL embedded, autocannon in this process, all on loopback.
//
//   1. POST /api/projects/{pid}/tasks without a key, and with a new key on every request (interleaved rounds).
//   2. the same request repeated with one key: every answer after the first is a replay.
//   3. the cleanup: a sweep of 100,000 expired keys (batches of 500), and the rows left.
//
//   CONNECTIONS=50 DURATION=10 ROUNDS=2 node bench/idempotency.mjs     (after npm run build)
import { randomUUID } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres } from '../dist/adapters/persistence/embedded/embedded-postgres.js'
import { openDatabase } from '../dist/adapters/persistence/mikro-orm/index.js'
import { createIdempotencyCleanup } from '../dist/main/idempotency-cleanup.js'
import { cannon as load, interleaved, json, startTaskport, writeBlock } from './lib.mjs'

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50)
const DURATION = Number(process.env.DURATION ?? 10)
const ROUNDS = Number(process.env.ROUNDS ?? 2)
const EXPIRED = Number(process.env.EXPIRED ?? 100_000)

const cannon = (opts) => load({ connections: CONNECTIONS, duration: DURATION, ...opts })

const dir = mkdtempSync(join(tmpdir(), 'taskport-bench-idempotency-'))
chmodSync(dir, 0o755)
const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), persistent: false, fast: true })
const sql = new pg.Pool({ connectionString: postgres.url, max: 2 })
sql.on('error', () => undefined)
let server
const results = {}
try {
  server = await startTaskport({ DATABASE_URL: postgres.url, PORT: '0', HOST: '127.0.0.1', TASKPORT_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' })
  const api = (path) => `${server.url}${path}`
  const project = await json(api('/api/projects'), { method: 'POST', token: server.token, body: { slug: 'keys', name: 'Keys' } })
  const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }
  const create = { url: api(`/api/projects/${project.id}/tasks`), method: 'POST', headers, body: JSON.stringify({ title: 'bench' }) }
  const targets = [
    { name: 'create task, no key', opts: create },
    {
      name: 'create task, a new key each',
      opts: { ...create, requests: [{ method: 'POST', body: create.body, setupRequest: (req) => ({ ...req, headers: { ...headers, 'idempotency-key': randomUUID() } }) }] },
    },
    { name: 'create task, one key (replays)', opts: { ...create, headers: { ...headers, 'idempotency-key': 'the-same-key' } } },
  ]
  results.write = await interleaved(targets, cannon, ROUNDS)
  results.keys = Number((await sql.query('select count(*)::int as n from idempotency_keys')).rows[0].n)
  await server.stop()
  server = undefined

  // The cleanup on a table of EXPIRED expired keys beside the fresh ones.
  await sql.query(`insert into idempotency_keys (scope, key, fingerprint, response, sealed, created_at)
    select 'worker:1', 'old-' || i, 'f', '{}', false, now() - interval '25 hours' from generate_series(1, $1) i`, [EXPIRED])
  const db = await openDatabase(postgres.url)
  const cleanup = createIdempotencyCleanup({ uow: db.uow })
  let deleted = 0
  const started = process.hrtime.bigint()
  for (;;) {
    const n = await cleanup.sweep()
    deleted += n
    if (n === 0) break
  }
  results.cleanup = { deleted, seconds: Number(process.hrtime.bigint() - started) / 1e9, left: Number((await sql.query('select count(*)::int as n from idempotency_keys')).rows[0].n) }
  await db.close()
} finally {
  await server?.stop()
  await sql.end()
  await postgres.stop()
  rmSync(dir, { recursive: true, force: true })
}

const base = results.write[0].rps
const lines = [
  `Measured by \`node bench/idempotency.mjs\` (${CONNECTIONS} connections, ${DURATION} s × ${ROUNDS} rounds, interleaved), ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| request | req/s | p99 ms | vs no key | non-2xx |',
  '|---|---|---|---|---|',
  ...results.write.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p99.toFixed(1)} | ${(r.rps / base).toFixed(2)} | ${r.non2xx} |`),
  '',
  `Keys stored after the run: ${results.keys}. Cleanup: ${results.cleanup.deleted} expired keys deleted in ${results.cleanup.seconds.toFixed(2)} s ` +
    `(${(results.cleanup.deleted / results.cleanup.seconds).toFixed(0)} per second, batches of 500, each its own transaction); ${results.cleanup.left} keys left (the fresh ones).`,
]
console.log(lines.join('\n'))
writeBlock('idempotency', 'Idempotency-Key', lines)
