// Two instances as one: two real server processes (`src/main/start.ts`) on one PostgreSQL and, when redis-server
// is installed, one Redis, as behind a load balancer. They start at the same time on an empty database; then
// concurrent work split across them must behave as if one server had done it. The migration lock is also tested
// in-process. Without redis-server, only the tests that need Redis (the shared rate limit) are reported as
// skipped, by name, never as passed; the others run with the in-process rate-limit store.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { MikroORM } from '@mikro-orm/postgresql'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MIGRATION_LOCK_KEY, MIGRATIONS, mikroOrmOptions, openDatabase } from '../../src/adapters/persistence/mikro-orm/index.js'
import { emptyDatabase, type TestDatabase } from '../support/postgres.js'
import { startJwks, type JwksServer } from '../support/http.js'
import {
  freePort, redisInstalled, reportSkipped, run, startRedis, startTaskport, stopProcess, type RedisServer, type TaskportServer,
} from '../support/processes.js'

/** Raw SQL on a database, outside any taskport code. */
const sqlOn = async (url: string) => {
  const orm = await MikroORM.init({ clientUrl: url, entities: [], discovery: { warnWhenNoEntities: false }, pool: { min: 0, max: 2 } })
  return {
    orm,
    query: <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => orm.em.getConnection().execute(sql, params),
    close: () => orm.close(true),
  }
}

/** name -> how many times it is recorded in mikro_orm_migrations. */
const recordedMigrations = async (query: (sql: string) => Promise<{ name: string; n: number }[]>) =>
  Object.fromEntries((await query('select name, count(*)::int as n from mikro_orm_migrations group by name')).map((r) => [r.name, r.n]))

const eachMigrationOnce = Object.fromEntries(MIGRATIONS.map((m) => [m.name, 1]))

// ---------------------------------------------------------------------------------------------------------------
// The migration lock, in one process (no Redis needed).

const lock = suite<{ database: TestDatabase }>('migration lock (PostgreSQL advisory lock)')

lock.before.each(async (ctx) => {
  ctx.database = await emptyDatabase()
})

lock.after.each(async (ctx) => {
  await ctx.database.drop()
})

lock('two openDatabase calls in parallel on an empty database both succeed; each migration is recorded once', async (ctx) => {
  const opened = await Promise.allSettled([openDatabase(ctx.database.url), openDatabase(ctx.database.url)])
  for (const result of opened) if (result.status === 'fulfilled') await result.value.close()
  assert.equal(opened.map((r) => (r.status === 'fulfilled' ? 'ok' : String(r.reason))), ['ok', 'ok'])
  const db = await sqlOn(ctx.database.url)
  try {
    assert.equal(await recordedMigrations(db.query), eachMigrationOnce)
  } finally {
    await db.close()
  }
})

lock('openDatabase waits while another session holds the lock and migrates, then finds nothing pending', async (ctx) => {
  // The other session: an instance that took the lock first and is migrating.
  const other = await MikroORM.init(mikroOrmOptions(ctx.database.url))
  const knex = other.em.getKnex().client
  const connection = (await knex.acquireConnection()) as { query(sql: string): Promise<unknown> }
  const db = await sqlOn(ctx.database.url)
  try {
    await connection.query(`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`)
    let settled = false
    const opening = openDatabase(ctx.database.url).finally(() => (settled = true))
    // Until it is seen waiting for the lock (at most 20 s).
    const waitingForLock = `select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and classid = ${Math.floor(MIGRATION_LOCK_KEY / 2 ** 32)} and objid = ${MIGRATION_LOCK_KEY % 2 ** 32}`
    for (let i = 0; i < 200 && (await db.query<{ n: number }>(waitingForLock))[0]?.n !== 1; i += 1) await new Promise((r) => setTimeout(r, 100))
    assert.is((await db.query<{ n: number }>(waitingForLock))[0]?.n, 1, 'openDatabase is waiting for the migration lock')
    const applied = await other.getMigrator().up()
    assert.is(applied.length, MIGRATIONS.length)
    await new Promise((r) => setTimeout(r, 200))
    assert.not.ok(settled, 'still waiting while the lock is held')
    await connection.query(`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`)
    const opened = await opening
    await opened.close()
    assert.equal(await recordedMigrations(db.query), eachMigrationOnce, 'the waiting instance applied nothing twice')
  } finally {
    await knex.releaseConnection(connection)
    await other.close(true)
    await db.close()
  }
})

lock.run()

// ---------------------------------------------------------------------------------------------------------------
// Two server processes.

const REDIS = redisInstalled()
const NAMES = {
  start: 'two instances started at the same time on an empty database both come up; each migration applied once',
  sync: 'concurrent identical task-sync pushes split across both instances: one task, one link, one 201 and the rest 200',
  create: 'concurrent task creation across both instances: numbers 1..100, no gaps, no duplicates',
  token: 'an API token created on one instance works on the other; revoked on one, it is refused on the other at once',
  jwt: 'a JWT works on both instances (each verifies it against the JWKS itself)',
  badRedis: 'a REDIS_URL that cannot be reached stops the start with a clear message',
  // Need redis-server:
  limit: 'two server processes share one Redis limit: 100 accepted across both, then 429; other projects unaffected',
  redisGone: 'with Redis gone, pushes are not limited (fail open) and the servers say so in their logs',
} as const
if (!REDIS) reportSkipped([NAMES.limit, NAMES.redisGone], 'redis-server is not installed: apt-get install redis-server')

interface Ctx {
  redis: RedisServer | undefined
  jwks: JwksServer
  database: TestDatabase
  dataDir: string
  started: PromiseSettledResult<TaskportServer>[]
  servers: TaskportServer[]
  db: Awaited<ReturnType<typeof sqlOn>>
}

const it = suite<Ctx>(`two instances as one (two processes, one PostgreSQL${REDIS ? ', one Redis' : ''})`)
const withRedis = REDIS ? it : it.skip

it.before(async (ctx) => {
  ctx.redis = REDIS ? await startRedis() : undefined
  ctx.jwks = await startJwks()
  ctx.database = await emptyDatabase()
  ctx.dataDir = mkdtempSync(join(tmpdir(), 'taskport-pair-'))
  // As in production: one secret key for every instance.
  const secretKey = randomBytes(32).toString('hex')
  const options = {
    databaseUrl: ctx.database.url, dataDir: ctx.dataDir, jwksUrl: ctx.jwks.url, env: { TASKPORT_SECRET_KEY: secretKey },
    ...(ctx.redis ? { redisUrl: ctx.redis.url } : {}),
  }
  // At the same time, on an empty database: the migration lock decides who migrates.
  ctx.started = await Promise.allSettled([startTaskport(options), startTaskport(options)])
  ctx.servers = ctx.started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  ctx.db = await sqlOn(ctx.database.url)
})

it.after(async (ctx) => {
  await Promise.all((ctx.servers ?? []).map((s) => stopProcess(s.process)))
  await stopProcess(ctx.redis?.process)
  await ctx.db?.close()
  await ctx.jwks?.stop()
  await ctx.database?.drop()
  if (ctx.dataDir) rmSync(ctx.dataDir, { recursive: true, force: true })
})

const call = async (url: string, method: string, path: string, authorization?: string, body?: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(authorization ? { authorization: `Bearer ${authorization}` } : {}), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, body: (text ? JSON.parse(text) : null) as any, headers: response.headers }
}

const urlOf = (ctx: Ctx, instance: number): string => ctx.servers[instance]?.url ?? 'http://127.0.0.1:1'

const owner = (ctx: Ctx) => ctx.jwks.sign({ sub: 'rex', email: 'rex@example.com', name: 'Rex' })

/** A project created on instance 0, and an API token for it created on `tokenOn`. */
const projectWithToken = async (ctx: Ctx, slug: string, tokenOn = 0) => {
  const jwt = await owner(ctx)
  const project = await call(urlOf(ctx, 0), 'POST', '/api/projects', jwt, { slug, name: slug })
  assert.is(project.status, 201, JSON.stringify(project.body))
  const token = await call(urlOf(ctx, tokenOn), 'POST', `/api/projects/${project.body.id}/api-tokens`, jwt, { name: 'ci' })
  assert.is(token.status, 201, JSON.stringify(token.body))
  return { pid: project.body.id as number, tokenId: token.body.id as number, token: token.body.token as string, jwt }
}

const push = (ctx: Ctx, instance: number, pid: number, token: string, externalId: string) =>
  call(urlOf(ctx, instance), 'POST', `/api/projects/${pid}/task-sync`, token, { source: 'custom', external_id: externalId, name: externalId })

const count = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {})

it(NAMES.start, async (ctx) => {
  assert.equal(ctx.started.map((s) => (s.status === 'fulfilled' ? 'up' : String(s.reason))), ['up', 'up'])
  for (const server of ctx.servers) {
    const live = await call(server.url, 'GET', '/health')
    assert.equal([live.status, live.body], [200, { status: 'ok' }])
    const ready = await call(server.url, 'GET', '/health/ready')
    assert.equal([ready.status, ready.body], [200, { status: 'ready', database: 'ok' }])
    assert.not.match(server.process.output, 'could not start')
  }
  assert.equal(await recordedMigrations(ctx.db.query), eachMigrationOnce)
})

it(NAMES.sync, async (ctx) => {
  const { pid, token } = await projectWithToken(ctx, 'pair-sync')
  // 50 identical pushes, every other one to the second instance, all in flight at once.
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => push(ctx, i % 2, pid, token, 'JIRA-1')))
  const statuses = count(answers.map((a) => a.status))
  console.log(`    identical pushes: ${JSON.stringify(statuses)} (status: count)`)
  assert.equal(statuses, { 200: 49, 201: 1 }, JSON.stringify(answers.filter((a) => a.status >= 300).map((a) => a.body)))
  const taskIds = new Set(answers.map((a) => a.body.task_id))
  assert.is(taskIds.size, 1, 'every answer names the same task')
  assert.equal(answers.filter((a) => a.body.created).length, 1)
  const tasks = await ctx.db.query('select id from tasks where project_id = ?', [pid])
  const links = await ctx.db.query('select task_id from external_links where project_id = ? and external_id = ?', [pid, 'JIRA-1'])
  assert.is(tasks.length, 1)
  assert.is(links.length, 1)
  assert.is(links[0].task_id, tasks[0].id)
  assert.ok(taskIds.has(tasks[0].id))
})

it(NAMES.create, async (ctx) => {
  const jwt = await owner(ctx)
  const project = await call(urlOf(ctx, 1), 'POST', '/api/projects', jwt, { slug: 'pair-numbers', name: 'Numbers', key: 'NUM' })
  assert.is(project.status, 201, JSON.stringify(project.body))
  const pid = project.body.id as number
  const answers = await Promise.all(Array.from({ length: 100 }, (_, i) =>
    call(urlOf(ctx, i % 2), 'POST', `/api/projects/${pid}/tasks`, jwt, { title: `Task ${i}` })))
  assert.equal(count(answers.map((a) => a.status)), { 201: 100 }, JSON.stringify(answers.filter((a) => a.status !== 201).map((a) => a.body)))
  const expected = Array.from({ length: 100 }, (_, i) => i + 1)
  const answered = answers.map((a) => a.body.number as number).sort((x, y) => x - y)
  assert.equal(answered, expected, 'the answers number the tasks 1..100')
  assert.equal(new Set(answers.map((a) => a.body.short_id)).size, 100)
  for (const a of answers) assert.is(a.body.short_id, `NUM-${a.body.number}`)
  const stored = (await ctx.db.query<{ number: number }>('select number from tasks where project_id = ? order by number', [pid])).map((r) => r.number)
  assert.equal(stored, expected, 'the database holds 1..100')
  const byInstance = [0, 1].map((n) => answers.filter((_, i) => i % 2 === n).map((a) => a.body.number as number))
  console.log(`    numbers: ${stored[0]}..${stored.at(-1)}, ${stored.length} distinct; instance A got ${byInstance[0]?.length}, B ${byInstance[1]?.length}`)
})

it(NAMES.token, async (ctx) => {
  const { pid, token, tokenId, jwt } = await projectWithToken(ctx, 'pair-token', 0)
  assert.is((await push(ctx, 1, pid, token, 'T-1')).status, 201, 'created on A, used on B')
  assert.is((await push(ctx, 0, pid, token, 'T-2')).status, 201)
  const listed = await call(urlOf(ctx, 1), 'GET', `/api/projects/${pid}/api-tokens`, jwt)
  assert.equal(listed.body.items.map((t: { id: number }) => t.id), [tokenId], 'B lists the token A created')
  const revoked = await call(urlOf(ctx, 0), 'DELETE', `/api/projects/${pid}/api-tokens/${tokenId}`, jwt)
  assert.is(revoked.status, 204)
  // Immediately, on both: no instance may keep a copy of a token that outlives its revocation.
  for (const instance of [1, 0, 1]) {
    const refused = await push(ctx, instance, pid, token, 'T-3')
    assert.is(refused.status, 401, `instance ${instance}: ${JSON.stringify(refused.body)}`)
  }
  assert.is((await ctx.db.query('select id from tasks where project_id = ?', [pid])).length, 2, 'nothing created after the revocation')
})

it(NAMES.jwt, async (ctx) => {
  const jwt = await ctx.jwks.sign({ sub: 'ivy', email: 'ivy@example.com', name: 'Ivy' })
  // The first request of a new user creates her worker and Default project: on A; B must see the same account.
  const first = await call(urlOf(ctx, 0), 'GET', '/api/projects', jwt)
  const second = await call(urlOf(ctx, 1), 'GET', '/api/projects', jwt)
  assert.is(first.status, 200, JSON.stringify(first.body))
  assert.is(second.status, 200, JSON.stringify(second.body))
  assert.equal(second.body, first.body)
  const forged = await ctx.jwks.sign({ sub: 'ivy', email: 'ivy@example.com' }, { foreignKey: true })
  for (const instance of [0, 1]) assert.is((await call(urlOf(ctx, instance), 'GET', '/api/projects', forged)).status, 401)
  assert.is((await ctx.db.query(`select id from workers where email = 'ivy@example.com'`)).length, 1, 'one worker for one SSO user')
})

it(NAMES.badRedis, async (ctx) => {
  const closed = await freePort()
  const proc = run(process.execPath, ['--conditions=taskport-source', '--import', 'tsx', 'src/main/start.ts'], {
    PORT: '0', DATABASE_URL: ctx.database.url, TASKPORT_DATA_DIR: ctx.dataDir, REDIS_URL: `redis://:s3cret@127.0.0.1:${closed}`,
    AUTH_JWKS_URL: ctx.jwks.url, LOG_LEVEL: 'info', TASKPORT_SECRET_KEY: randomBytes(32).toString('hex'),
  })
  const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve))
  assert.is(code, 1)
  assert.match(proc.output, `REDIS_URL: cannot connect to redis://:***@127.0.0.1:${closed}`)
  assert.not.match(proc.output, 's3cret')
})

withRedis(NAMES.limit, async (ctx) => {
  const a = await projectWithToken(ctx, 'shared-a')
  const b = await projectWithToken(ctx, 'shared-b')
  const statuses: number[] = []
  for (let round = 0; round < 12; round += 1) {
    // 10 at a time, every other one to the second process.
    const batch = await Promise.all(Array.from({ length: 10 }, (_, i) => push(ctx, i % 2, a.pid, a.token, `S-${round * 10 + i}`)))
    statuses.push(...batch.map((r) => r.status))
  }
  assert.equal(count(statuses), { 201: 100, 429: 20 }, JSON.stringify(statuses))
  const again = await push(ctx, 1, a.pid, a.token, 'S-late')
  assert.is(again.status, 429)
  assert.is(again.body.error, 'rate_limited')
  assert.ok(Number(again.headers.get('retry-after')) >= 1)
  assert.is(again.headers.get('ratelimit-remaining'), '0')
  assert.is((await push(ctx, 0, b.pid, b.token, 'B-1')).status, 201, 'project b has its own budget')
  assert.is((await push(ctx, 1, b.pid, b.token, 'B-2')).headers.get('ratelimit-remaining'), '98', 'one budget across both processes')
})

// Last: it stops Redis.
withRedis(NAMES.redisGone, async (ctx) => {
  const c = await projectWithToken(ctx, 'shared-c')
  await stopProcess(ctx.redis?.process)
  const statuses = await Promise.all(Array.from({ length: 4 }, (_, i) => push(ctx, i % 2, c.pid, c.token, `F-${i}`).then((r) => r.status)))
  assert.equal(statuses, [201, 201, 201, 201])
  for (const server of ctx.servers) assert.match(server.process.output, 'rate-limit store unavailable')
  for (const server of ctx.servers) assert.not.match(server.process.output, 'request failed')
})

it.run()
