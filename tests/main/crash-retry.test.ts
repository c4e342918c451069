// SIGKILL under load, then retries with the same Idempotency-Key (the contract's "Idempotency-Key"): 20 clients
// create tasks against the real server process (`src/main/start.ts`), each request with its own key; the process is
// killed with SIGKILL at a random moment while requests are in flight and restarted on the same database and port;
// every request that got no answer (a reset or refused connection, a 503, a 409 in-flight conflict) is sent again
// with the same key and body until it gets a final answer. Afterwards the database and the API must hold exactly
// one task per key, numbered 1..N without gaps, each with one `created` audit entry and one `task.created` event
// (and one delivery of it to the project's endpoint); every key's final answer is the 201 of that task, a replay
// (`Idempotent-Replayed: true`) exactly when the killed process had committed it; every key sent once more replays
// its task. Six rounds on one database, a new project each: killed after a random time of load, after a random
// number of answers, or right after the COMMIT of a random task (the moment a lost answer is likeliest), two of each;
// one summary line per round and a total.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { MikroORM } from '@mikro-orm/postgresql'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { freshDatabase, type TestDatabase } from '../support/postgres.js'
import { startJwks, type JwksServer } from '../support/http.js'
import { startTaskport, stopProcess, type Process, type TaskportServer } from '../support/processes.js'
import { startReceiver, type Receiver } from '../support/receiver.js'

const CLIENTS = 20
/** A key still without a final answer this long after the kill is given up (and the round fails). */
const GIVE_UP_MS = 20_000
const SECRET_KEY = 'cd'.repeat(32)

/** When the kill comes: after some time of load, after some answers, or right after the COMMIT of the n-th task. */
type KillPlan = { readonly after: 'ms' | 'answers' | 'commit'; readonly value: number }

const between = (low: number, high: number): number => low + Math.floor(Math.random() * (high - low + 1))
const PLANS: readonly KillPlan[] = [
  { after: 'ms', value: between(50, 600) },
  { after: 'answers', value: between(20, 200) },
  { after: 'commit', value: between(20, 150) },
  { after: 'ms', value: between(50, 600) },
  { after: 'answers', value: between(20, 200) },
  { after: 'commit', value: between(20, 150) },
]
const describePlan = (plan: KillPlan): string =>
  plan.after === 'ms' ? `after ${plan.value} ms of load` : plan.after === 'answers' ? `after ${plan.value} answers` : `right after the COMMIT of task ${plan.value}`

/** Raw SQL on the server's database, outside any taskport code; one connection (so it can tell the server's apart). */
const sqlOn = async (url: string) => {
  const orm = await MikroORM.init({ clientUrl: url, entities: [], discovery: { warnWhenNoEntities: false }, pool: { min: 0, max: 1 } })
  return {
    query: <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => orm.em.getConnection().execute(sql, params),
    close: () => orm.close(true),
  }
}
type Sql = Awaited<ReturnType<typeof sqlOn>>

interface Answer {
  readonly status: number
  readonly body: any
  readonly replayed: boolean
  readonly retryAfter: string | null
}

/** One key: the request sent under it until it got a final answer. */
interface KeyRun {
  readonly key: string
  readonly title: string
  attempts: number
  /** The first attempt got no answer (the connection failed, a 503 or a 409 in-flight conflict). */
  firstUnanswered: boolean
  conflicts: number
  unavailable: number
  final?: Answer
  gaveUp?: string
}

interface Load {
  killed: boolean
  /** From just before the kill until the restarted server listens (or could not be started). */
  down: boolean
  aborted: boolean
  /** Resolves when `down` ends. */
  up: Promise<void>
  inFlight: number
  answered: number
  inFlightAtKill: number
  killedAt: number
  /** From the kill to the restarted server listening. */
  restartMs: number
  readonly failures: Map<string, number>
}

interface Totals {
  rounds: number
  sent: number
  attempts: number
  answeredBeforeKill: number
  unanswered: number
  committedUnanswered: number
  retries: number
  conflicts: number
  replays: number
  duplicates: number
}

interface Ctx {
  database: TestDatabase
  db: Sql
  jwks: JwksServer
  receiver: Receiver
  dataDir: string
  server: TaskportServer | undefined
  spawned: Process[]
  totals: Totals
}

const it = suite<Ctx>('SIGKILL under load, retries with the same Idempotency-Key')

it.before(async (ctx) => {
  ctx.spawned = []
  // Also when the run ends without the after hook (an uncaught error): no server outlives it.
  process.once('exit', () => {
    for (const proc of ctx.spawned) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL')
  })
  ctx.totals = { rounds: 0, sent: 0, attempts: 0, answeredBeforeKill: 0, unanswered: 0, committedUnanswered: 0, retries: 0, conflicts: 0, replays: 0, duplicates: 0 }
  ctx.database = await freshDatabase()
  ctx.db = await sqlOn(ctx.database.url)
  ctx.jwks = await startJwks()
  ctx.receiver = await startReceiver()
  ctx.dataDir = mkdtempSync(join(tmpdir(), 'taskport-crash-retry-'))
})

it.after(async (ctx) => {
  const t = ctx.totals
  console.log(
    `  total over ${t.rounds} rounds: ${t.sent} requests sent (${t.attempts} HTTP attempts), ${t.answeredBeforeKill} answered before the kill, ` +
      `${t.unanswered} without an answer at the kill (${t.committedUnanswered} of them committed by the killed process), ` +
      `${t.retries} retries (${t.conflicts} after a 409 in flight), ${t.replays} replays, ${t.duplicates} duplicates found`,
  )
  for (const proc of ctx.spawned ?? []) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) await stopProcess(proc)
  }
  await ctx.receiver?.stop()
  await ctx.jwks?.stop()
  await ctx.db?.close()
  await ctx.database?.drop()
  if (ctx.dataDir) rmSync(ctx.dataDir, { recursive: true, force: true })
})

/** Starts taskport on this file's database (on `port`, or one the system picks) and remembers the process. */
const start = async (ctx: Ctx, port?: string): Promise<TaskportServer> => {
  const server = await startTaskport({
    databaseUrl: ctx.database.url, dataDir: ctx.dataDir, jwksUrl: ctx.jwks.url,
    env: { TASKPORT_SECRET_KEY: SECRET_KEY, TASKPORT_WEBHOOK_ALLOW_PRIVATE: 'true', ...(port ? { PORT: port } : {}) },
  })
  ctx.spawned.push(server.process)
  ctx.server = server
  return server
}

/** The killed server again on its port, so that the clients retry the URL they had (on another port if it is taken). */
const restart = async (ctx: Ctx, url: string): Promise<TaskportServer> => {
  try {
    return await start(ctx, new URL(url).port)
  } catch (error) {
    if (!String(error).includes('EADDRINUSE')) throw error
    console.log(`  the port of ${url} was taken meanwhile: restarting on another one`)
    return start(ctx)
  }
}

const send = async (url: string, method: string, token: string, body?: unknown, key?: string): Promise<Answer> => {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(key ? { 'idempotency-key': key } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // not JSON: kept as text for the failure message
  }
  return { status: res.status, body: parsed, replayed: res.headers.get('idempotent-replayed') === 'true', retryAfter: res.headers.get('retry-after') }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The reason a request got no answer, for the summary (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET, ...). */
const reasonOf = (error: unknown): string => {
  const e = error as { name?: string; cause?: { code?: string; name?: string } }
  return e.cause?.code ?? e.cause?.name ?? e.name ?? 'error'
}

/** Sends the key's request until it gets a final answer: anything but no answer, a 503 or a 409 with Retry-After. */
const settle = async (load: Load, run: KeyRun, url: () => string, token: string): Promise<void> => {
  for (;;) {
    if (load.aborted) return void (run.gaveUp = 'the server could not be restarted')
    if (load.killed && Date.now() - load.killedAt > GIVE_UP_MS) return void (run.gaveUp = `no final answer ${GIVE_UP_MS} ms after the kill`)
    run.attempts += 1
    load.inFlight += 1
    let answer: Answer | undefined
    try {
      answer = await send(url(), 'POST', token, { title: run.title }, run.key)
    } catch (error) {
      load.failures.set(reasonOf(error), (load.failures.get(reasonOf(error)) ?? 0) + 1)
    } finally {
      load.inFlight -= 1
    }
    if (answer === undefined) {
      if (run.attempts === 1) run.firstUnanswered = true
      // The kill sets `down` before the signal, so a failure it caused waits here for the restart; a failure with
      // the server up (not expected) is retried after a pause.
      if (load.down) await load.up
      else await sleep(100)
      continue
    }
    const retryable = answer.status === 503 || (answer.status === 409 && answer.retryAfter !== null)
    if (retryable) {
      if (run.attempts === 1) run.firstUnanswered = true
      if (answer.status === 409) run.conflicts += 1
      else run.unavailable += 1
      await sleep(Math.max(1, Number(answer.retryAfter) || 1) * 1000)
      continue
    }
    run.final = answer
    if (!run.firstUnanswered) load.answered += 1
    return
  }
}

interface CommitWatch {
  /** The watching session's backend, which is not the server's. */
  readonly backendPid: number
  stop(): Promise<void>
}

/**
 * Calls `onCommit(n)` when the n-th task of project `pid` is committed: an AFTER INSERT trigger on tasks (added to
 * this file's database for the round, removed by `stop`) notifies a listening session, and NOTIFY is delivered
 * only at COMMIT. So the kill lands between the COMMIT and the answer as often as the race allows.
 */
const watchCommits = async (url: string, pid: number, onCommit: (n: number) => void): Promise<CommitWatch> => {
  const orm = await MikroORM.init({ clientUrl: url, entities: [], discovery: { warnWhenNoEntities: false }, pool: { min: 0, max: 1 } })
  const knex = orm.em.getKnex().client
  type Listener = { query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>; on(event: 'notification', listener: (m: { channel: string; payload?: string }) => void): void }
  const listener = (await knex.acquireConnection()) as Listener
  let commits = 0
  listener.on('notification', (m) => {
    if (m.channel === 'crash_retry_commit' && m.payload === String(pid)) onCommit((commits += 1))
  })
  await listener.query('listen crash_retry_commit')
  await listener.query(`create or replace function crash_retry_notify() returns trigger language plpgsql as $$ begin perform pg_notify('crash_retry_commit', new.project_id::text); return new; end $$`)
  await listener.query('create trigger crash_retry_commit after insert on tasks for each row execute function crash_retry_notify()')
  const backendPid = Number((await listener.query('select pg_backend_pid() as pid')).rows[0]?.pid)
  let stopped: Promise<void> | undefined
  return {
    backendPid,
    stop: () => (stopped ??= (async () => {
      try {
        await listener.query('drop trigger if exists crash_retry_commit on tasks')
        await listener.query('drop function if exists crash_retry_notify()')
      } finally {
        await knex.releaseConnection(listener)
        await orm.close(true)
      }
    })()),
  }
}

/** Waits until no session of the killed process is left in PostgreSQL (a COMMIT it had sent may still land until then). */
const serverSessionsGone = async (db: Sql, ours: readonly number[]): Promise<void> => {
  const deadline = Date.now() + 15_000
  for (;;) {
    const [row] = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()${ours.map((pid) => ` and pid <> ${Number(pid)}`).join('')}`)
    if (row?.n === 0) return
    if (Date.now() > deadline) throw new Error(`${row?.n} sessions of the killed server still open after 15 s`)
    await sleep(20)
  }
}

const countBy = <T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1)
  return counts
}

/** Every task of the project through the API, page by page. */
const listTasks = async (base: string, pid: number, token: string): Promise<Array<{ id: number; number: number; title: string }>> => {
  const items: Array<{ id: number; number: number; title: string }> = []
  let cursor: string | null = null
  do {
    const page = await send(`${base}/api/projects/${pid}/tasks?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 'GET', token)
    assert.is(page.status, 200, JSON.stringify(page.body))
    items.push(...page.body.items)
    cursor = page.body.next_cursor
  } while (cursor)
  return items
}

const crashRound = async (ctx: Ctx, round: number, plan: KillPlan): Promise<void> => {
  const startedAt = Date.now()
  const alive = ctx.server && ctx.server.process.child.exitCode === null && ctx.server.process.child.signalCode === null
  const first = alive && ctx.server ? ctx.server : await start(ctx)
  const base = first.url
  const token = await ctx.jwks.sign({ sub: 'crash', email: 'crash@example.com', name: 'Crash' }, { expiresIn: '30m' })
  const project = await send(`${base}/api/projects`, 'POST', token, { slug: `crash-round-${round}-${randomUUID().slice(0, 8)}`, name: `Crash ${round}`, key: `CR${round}` })
  assert.is(project.status, 201, JSON.stringify(project.body))
  const pid = project.body.id as number
  const hook = await send(`${base}/api/projects/${pid}/webhooks`, 'POST', token, { url: ctx.receiver.url, events: ['task.created'] })
  assert.is(hook.status, 201, JSON.stringify(hook.body))
  const endpointId = hook.body.id as string
  const tasksUrl = () => `${ctx.server?.url ?? base}/api/projects/${pid}/tasks`

  const load: Load = {
    killed: false, down: false, aborted: false, up: Promise.resolve(), inFlight: 0, answered: 0, inFlightAtKill: 0, killedAt: 0, restartMs: 0, failures: new Map(),
  }
  const runs: KeyRun[] = []
  /** Titles of the project's tasks right after the kill, once the killed process's sessions are gone: what it committed. */
  let killing: Promise<Map<string, number>> | undefined
  let watch: CommitWatch | undefined
  const kill = (): void => {
    if (killing) return
    let release = (): void => undefined
    load.up = new Promise<void>((resolve) => (release = resolve))
    load.down = true
    load.killed = true
    load.killedAt = Date.now()
    load.inFlightAtKill = load.inFlight
    const victim = first.process.child
    const exited = new Promise((resolve) => victim.once('exit', resolve))
    victim.kill('SIGKILL')
    killing = (async () => {
      try {
        await exited
        await serverSessionsGone(ctx.db, watch ? [watch.backendPid] : [])
        const committed = await ctx.db.query<{ id: number; title: string }>('select id, title from tasks where project_id = ?', [pid])
        await watch?.stop()
        await restart(ctx, base)
        load.restartMs = Date.now() - load.killedAt
        return new Map(committed.map((t) => [t.title, t.id]))
      } catch (error) {
        load.aborted = true
        throw error
      } finally {
        load.down = false
        release()
      }
    })()
    killing.catch(() => undefined) // awaited below
  }

  const client = async (c: number): Promise<void> => {
    for (let i = 0; !load.killed; i += 1) {
      const key = `crash-${round}-${c}-${i}-${randomUUID()}`
      const run: KeyRun = { key, title: `task ${key}`, attempts: 0, firstUnanswered: false, conflicts: 0, unavailable: 0 }
      runs.push(run)
      await settle(load, run, tasksUrl, token)
      if (plan.after === 'answers' && load.answered >= plan.value) kill()
    }
  }
  if (plan.after === 'commit') watch = await watchCommits(ctx.database.url, pid, (n) => n === plan.value && kill())
  const timer = setTimeout(kill, plan.after === 'ms' ? plan.value : 30_000)
  try {
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)))
  } finally {
    clearTimeout(timer)
    await watch?.stop()
  }
  const committedByKilled = await (killing ?? Promise.reject(new Error('the server was never killed')))

  // The database, straight after the last final answer.
  const tasks = await ctx.db.query<{ id: number; number: number; title: string }>('select id, number, title from tasks where project_id = ? order by number, id', [pid])
  const audits = await ctx.db.query<{ entity_id: string }>(`select entity_id from audit_log where project_id = ? and entity_type = 'task' and action = 'created'`, [pid])
  const events = await ctx.db.query<{ id: string; body: string }>(`select id, body from webhook_events where project_id = ? and type = 'task.created'`, [pid])
  const deliveries = await ctx.db.query<{ event_id: string }>(`select event_id from webhook_event_deliveries where endpoint_id = ? and event_type = 'task.created'`, [endpointId])
  const restartedBase = ctx.server?.url ?? base
  const listed = await listTasks(restartedBase, pid, token)
  const projectNow = await send(`${restartedBase}/api/projects/${pid}`, 'GET', token)

  // Every key once more after the round: the stored answer again, as a replay, and nothing created.
  const resent: Array<{ run: KeyRun; answer: Answer | string }> = []
  for (let i = 0; i < runs.length; i += CLIENTS) {
    const batch = runs.slice(i, i + CLIENTS)
    resent.push(...(await Promise.all(batch.map(async (run) => ({
      run, answer: await send(`${restartedBase}/api/projects/${pid}/tasks`, 'POST', token, { title: run.title }, run.key).catch((e: unknown) => reasonOf(e)),
    })))))
  }
  const [after] = await ctx.db.query<{ n: number }>('select count(*)::int as n from tasks where project_id = ?', [pid])

  // The round's numbers, printed before any assertion.
  const byTitle = countBy(tasks, (t) => t.title)
  const idOfTitle = new Map(tasks.map((t) => [t.title, t.id]))
  const duplicates = runs.filter((r) => (byTitle.get(r.title) ?? 0) > 1)
  const missing = runs.filter((r) => !byTitle.has(r.title))
  const unanswered = runs.filter((r) => r.firstUnanswered)
  const committedUnanswered = unanswered.filter((r) => committedByKilled.has(r.title))
  const retries = runs.reduce((n, r) => n + r.attempts - 1, 0)
  const conflicts = runs.reduce((n, r) => n + r.conflicts, 0)
  const unavailable = runs.reduce((n, r) => n + r.unavailable, 0)
  const replays = runs.filter((r) => r.final?.replayed).length
  const resentReplayed = resent.filter((x) => typeof x.answer !== 'string' && x.answer.status === 201 && x.answer.replayed && x.answer.body?.id === idOfTitle.get(x.run.title)).length
  const failures = [...load.failures].sort().map(([why, n]) => `${why} ${n}`).join(', ') || 'none'
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  console.log(
    `  round ${round}: SIGKILL ${describePlan(plan)} | ${runs.length} requests sent (${load.inFlightAtKill} in flight at the kill) | ` +
      `${runs.length - unanswered.length} answered before the kill | ` +
      `${unanswered.length} without an answer (${committedUnanswered.length} committed by the killed process; failures: ${failures}) | ` +
      `${retries} retries (${conflicts} after a 409 in flight, ${unavailable} after a 503) | ${replays} replays | ` +
      `${tasks.length} tasks for ${runs.length} keys: ${duplicates.length} duplicates found, ${missing.length} missing | ` +
      `every key re-sent afterwards: ${resentReplayed}/${runs.length} replayed | round ${seconds(Date.now() - startedAt)}, restart ${seconds(load.restartMs)}`,
  )
  const t = ctx.totals
  t.rounds += 1
  t.sent += runs.length
  t.attempts += runs.reduce((n, r) => n + r.attempts, 0)
  t.answeredBeforeKill += runs.length - unanswered.length
  t.unanswered += unanswered.length
  t.committedUnanswered += committedUnanswered.length
  t.retries += retries
  t.conflicts += conflicts
  t.replays += replays
  t.duplicates += duplicates.length

  // Every key got a final answer, a 201.
  const notCreated = runs.filter((r) => r.final?.status !== 201)
  assert.equal(notCreated.map((r) => r.gaveUp ?? `${r.final?.status} ${JSON.stringify(r.final?.body)}`), [], 'every key ends with a 201')
  assert.ok(load.inFlightAtKill > 0, 'requests were in flight at the kill')

  // Exactly one task per key, and no task of no key.
  assert.equal(duplicates.map((r) => `${r.key}: ${byTitle.get(r.title)} tasks`), [], 'no key created two tasks')
  assert.equal(missing.map((r) => r.key), [], 'every key created its task')
  assert.is(tasks.length, runs.length, 'one task per key, none else')
  // Numbers 1..N without gaps.
  assert.equal(tasks.map((x) => x.number), Array.from({ length: runs.length }, (_, i) => i + 1), 'numbers 1..N without gaps')
  // One `created` audit entry per task.
  const auditsOf = countBy(audits, (a) => a.entity_id)
  assert.equal(tasks.filter((x) => auditsOf.get(String(x.id)) !== 1).map((x) => `${x.title}: ${auditsOf.get(String(x.id)) ?? 0}`), [], 'one created audit entry per task')
  assert.is(audits.length, tasks.length, 'no audit entry of a task that is not there')
  // One task.created event per task, and one delivery of it to the endpoint.
  const eventsOf = countBy(events, (e) => String(JSON.parse(e.body).data.entity_id))
  assert.equal(tasks.filter((x) => eventsOf.get(String(x.id)) !== 1).map((x) => `${x.title}: ${eventsOf.get(String(x.id)) ?? 0}`), [], 'one task.created event per task')
  assert.is(events.length, tasks.length, 'no event of a task that is not there')
  const eventIds = new Set(events.map((e) => e.id))
  assert.is(deliveries.filter((d) => eventIds.has(d.event_id)).length, events.length, 'one delivery per event to the endpoint')
  assert.is(deliveries.length, events.length)

  // Each key's final answer is its task; a replay exactly when the killed process had committed it.
  assert.equal(runs.filter((r) => r.final?.body?.id !== idOfTitle.get(r.title)).map((r) => `${r.key}: answered ${r.final?.body?.id}, stored ${idOfTitle.get(r.title)}`), [], 'the final answer names the stored task')
  assert.equal(
    runs.filter((r) => (r.final?.replayed ?? false) !== committedByKilled.has(r.title) && r.firstUnanswered).map((r) => `${r.key}: replayed ${r.final?.replayed}, committed before the kill ${committedByKilled.has(r.title)}`),
    [], 'an unanswered key is replayed after the restart exactly when the killed process had committed it',
  )
  for (const r of committedUnanswered) assert.is(r.final?.body?.id, committedByKilled.get(r.title), 'the replay names the task the killed process created')
  assert.equal(runs.filter((r) => !r.firstUnanswered && r.final?.replayed).map((r) => r.key), [], 'a key answered at once is never a replay')

  // The API shows the same: the tasks, their numbers, the project's task count.
  assert.equal(listed.map((x) => [x.id, x.number, x.title]).sort((a, b) => Number(a[1]) - Number(b[1])), tasks.map((x) => [x.id, x.number, x.title]), 'the API lists the stored tasks')
  assert.is(projectNow.body.task_count, runs.length)
  // Every key sent again: the same task, replayed, nothing created.
  assert.equal(
    resent.filter((x) => typeof x.answer === 'string' || x.answer.status !== 201 || !x.answer.replayed || x.answer.body?.id !== idOfTitle.get(x.run.title))
      .slice(0, 5).map((x) => (typeof x.answer === 'string' ? x.answer : `${x.answer.status} replayed=${x.answer.replayed} id=${x.answer.body?.id}`)),
    [], 'every key sent again replays its task',
  )
  assert.is(after?.n, runs.length, 'sending every key again created nothing')
}

/** The servers' error lines (pino level 50 and up), at most `limit`, to show with a failed round. */
const serverErrors = (ctx: Ctx, limit = 5): string[] =>
  ctx.spawned.flatMap((p) => p.output.split('\n')).filter((line) => /"level":(5\d|60)/.test(line)).slice(-limit)

PLANS.forEach((plan, i) => {
  it(`round ${i + 1}: SIGKILL ${describePlan(plan)}, restart, retries with the same keys: one task per key`, async (ctx) => {
    const before = serverErrors(ctx, Infinity).length
    try {
      await crashRound(ctx, i + 1, plan)
    } catch (error) {
      const errors = serverErrors(ctx, Infinity).slice(before).slice(-5)
      if (errors.length > 0) console.log(`  round ${i + 1}: the servers logged errors:\n    ${errors.join('\n    ')}`)
      throw error
    }
  })
})

it.run()
