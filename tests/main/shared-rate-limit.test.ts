// Two real server processes, one real redis-server (Debian package, started here) and one PostgreSQL: the
// task-sync limit is shared, 100 accepted across both processes, then 429. Without redis-server installed
// these tests are reported as skipped, by name, never as passed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { freshDatabase, type TestDatabase } from '../support/postgres.js'
import { AUDIENCE, ISSUER, startJwks, type JwksServer } from '../support/http.js'

/** The redis-server binary (REDIS_SERVER_BIN overrides it, e.g. to check the skipped path). */
const REDIS_BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server'
const REDIS = spawnSync(REDIS_BIN, ['--version'], { encoding: 'utf8' }).status === 0
const NAMES = [
  'two server processes share one Redis limit: 100 accepted across both, then 429; other projects unaffected',
  'with Redis gone, pushes are not limited (fail open) and the servers say so in their logs',
  'a REDIS_URL that cannot be reached stops the start with a clear message',
]
if (!REDIS) for (const name of NAMES) console.log(`  skipped: ${name} (redis-server is not installed: apt-get install redis-server)`)

interface Process {
  readonly child: ChildProcess
  output: string
}

interface Ctx {
  redis: Process
  redisUrl: string
  jwks: JwksServer
  database: TestDatabase
  dataDir: string
  servers: { process: Process; url: string }[]
}

const it = suite<Ctx>('shared rate limit (Redis, two processes)')
const test = REDIS ? it : it.skip

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

const run = (command: string, args: string[], env: Record<string, string> = {}): Process => {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const proc: Process = { child, output: '' }
  child.stdout?.on('data', (c: Buffer) => (proc.output += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (proc.output += c.toString()))
  return proc
}

const waitFor = (proc: Process, pattern: RegExp, what: string): Promise<RegExpExecArray> =>
  new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(proc.output)
      if (match) {
        clearTimeout(timer)
        proc.child.stdout?.off('data', check)
        proc.child.off('exit', exited)
        resolve(match)
      }
    }
    const exited = () => reject(new Error(`${what}: exited before it was ready:\n${proc.output}`))
    const timer = setTimeout(() => reject(new Error(`${what}: not ready after 60 s:\n${proc.output}`)), 60_000)
    proc.child.stdout?.on('data', check)
    proc.child.once('exit', exited)
    check()
  })

const startTaskport = async (ctx: Ctx, extraEnv: Record<string, string> = {}) => {
  const proc = run(process.execPath, ['--conditions=taskport-source', '--import', 'tsx', 'src/main/start.ts'], {
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: ctx.database.url, TASKPORT_DATA_DIR: ctx.dataDir, REDIS_URL: ctx.redisUrl,
    AUTH_JWKS_URL: ctx.jwks.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, LOG_LEVEL: 'info', ...extraEnv,
  })
  const match = await waitFor(proc, /"url":"(http:[^"]+)"/, 'taskport')
  return { process: proc, url: match[1] ?? '' }
}

const stopProcess = async (proc: Process | undefined): Promise<void> => {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return
  const exited = new Promise((resolve) => proc.child.once('exit', resolve))
  proc.child.kill('SIGTERM')
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

it.before(async (ctx) => {
  if (!REDIS) return
  const port = await freePort()
  ctx.redis = run(REDIS_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'])
  await waitFor(ctx.redis, /Ready to accept connections/, 'redis-server')
  ctx.redisUrl = `redis://127.0.0.1:${port}`
  ctx.jwks = await startJwks()
  ctx.database = await freshDatabase()
  ctx.dataDir = mkdtempSync(join(tmpdir(), 'taskport-redis-'))
  ctx.servers = await Promise.all([startTaskport(ctx), startTaskport(ctx)])
})

it.after(async (ctx) => {
  if (!REDIS) return
  await Promise.all((ctx.servers ?? []).map((s) => stopProcess(s.process)))
  await stopProcess(ctx.redis)
  await ctx.jwks?.stop()
  await ctx.database?.drop()
  if (ctx.dataDir) rmSync(ctx.dataDir, { recursive: true, force: true })
})

const call = async (url: string, method: string, path: string, authorization: string, body?: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${authorization}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as any, headers: response.headers }
}

const projectWithToken = async (ctx: Ctx, slug: string) => {
  const jwt = await ctx.jwks.sign({ sub: 'rex', email: 'rex@example.com', name: 'Rex' })
  const url = ctx.servers[0]?.url ?? ''
  const project = await call(url, 'POST', '/api/projects', jwt, { slug, name: slug })
  assert.is(project.status, 201, JSON.stringify(project.body))
  const token = await call(url, 'POST', `/api/projects/${project.body.id}/api-tokens`, jwt, { name: 'ci' })
  assert.is(token.status, 201, JSON.stringify(token.body))
  return { pid: project.body.id as number, token: token.body.token as string }
}

const push = (ctx: Ctx, server: number, pid: number, token: string, externalId: string) =>
  call(ctx.servers[server]?.url ?? '', 'POST', `/api/projects/${pid}/task-sync`, token, { source: 'custom', external_id: externalId, name: externalId })

test(NAMES[0] ?? '', async (ctx) => {
  const a = await projectWithToken(ctx, 'shared-a')
  const b = await projectWithToken(ctx, 'shared-b')
  const statuses: number[] = []
  for (let round = 0; round < 12; round += 1) {
    // 10 at a time, every other one to the second process.
    const batch = await Promise.all(Array.from({ length: 10 }, (_, i) => push(ctx, i % 2, a.pid, a.token, `S-${round * 10 + i}`)))
    statuses.push(...batch.map((r) => r.status))
  }
  const accepted = statuses.filter((s) => s === 201).length
  const limited = statuses.filter((s) => s === 429).length
  assert.is(accepted, 100, JSON.stringify(statuses))
  assert.is(limited, 20)
  const again = await push(ctx, 1, a.pid, a.token, 'S-late')
  assert.is(again.status, 429)
  assert.is(again.body.error, 'rate_limited')
  assert.ok(Number(again.headers.get('retry-after')) >= 1)
  assert.is(again.headers.get('ratelimit-remaining'), '0')
  assert.is((await push(ctx, 0, b.pid, b.token, 'B-1')).status, 201, 'project b has its own budget')
  assert.is((await push(ctx, 1, b.pid, b.token, 'B-2')).headers.get('ratelimit-remaining'), '98', 'one budget across both processes')
})

test(NAMES[1] ?? '', async (ctx) => {
  const c = await projectWithToken(ctx, 'shared-c')
  await stopProcess(ctx.redis)
  const statuses = await Promise.all(Array.from({ length: 4 }, (_, i) => push(ctx, i % 2, c.pid, c.token, `F-${i}`).then((r) => r.status)))
  assert.equal(statuses, [201, 201, 201, 201])
  for (const server of ctx.servers) assert.match(server.process.output, 'rate-limit store unavailable')
  for (const server of ctx.servers) assert.not.match(server.process.output, 'request failed')
})

test(NAMES[2] ?? '', async (ctx) => {
  const closed = await freePort()
  const proc = run(process.execPath, ['--conditions=taskport-source', '--import', 'tsx', 'src/main/start.ts'], {
    PORT: '0', DATABASE_URL: ctx.database.url, TASKPORT_DATA_DIR: ctx.dataDir, REDIS_URL: `redis://:s3cret@127.0.0.1:${closed}`,
    AUTH_JWKS_URL: ctx.jwks.url, LOG_LEVEL: 'info',
  })
  const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve))
  assert.is(code, 1)
  assert.match(proc.output, `REDIS_URL: cannot connect to redis://:***@127.0.0.1:${closed}`)
  assert.not.match(proc.output, 's3cret')
})

it.run()
