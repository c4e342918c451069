// What PostgreSQL itself guarantees, beyond the store contract: concurrency, the append-only audit log,
// atomic use cases, the schema of the migrations, and how many statements the main use cases send.
import { aesGcmCipher } from '../../../src/adapters/system/index.js'
import { MikroORM } from '@mikro-orm/postgresql'
import * as E from 'fp-ts/lib/Either.js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Caller } from '../../../src/application/index.js'
import { mikroOrmOptions, openDatabase } from '../../../src/adapters/persistence/mikro-orm/index.js'
import { nodeTokenSecrets, randomIds } from '../../../src/adapters/system/index.js'
import { createTaskport, type Taskport } from '../../../src/main/create-taskport.js'
import { faulty, type FaultyUnitOfWork } from '../../support/faults.js'
import { right, TestClock } from '../../support/app-fixture.js'
import { freshDatabase, type TestDatabase } from '../../support/postgres.js'

interface Context {
  database: TestDatabase
  db: Awaited<ReturnType<typeof openDatabase>>
  faults: FaultyUnitOfWork
  tp: Taskport
  statements: number[]
  alice: Caller
  projectId: number
}

const it = suite<Context>('postgres guarantees')

it.before.each(async (ctx) => {
  ctx.statements = []
  ctx.database = await freshDatabase()
  ctx.db = await openDatabase(ctx.database.url, { onStatements: (n) => ctx.statements.push(n) })
  ctx.faults = faulty(ctx.db.uow)
  ctx.tp = createTaskport({ uow: ctx.faults, clock: new TestClock(), ids: randomIds, secrets: nodeTokenSecrets })
  ctx.alice = right(await ctx.tp.identify({ kind: 'user', userId: 'sso|alice', email: 'alice@example.com' }))
  ctx.projectId = right(await ctx.tp.projects.create(ctx.alice, { slug: 'web-app', name: 'Web' })).project.id
})

it.after.each(async (ctx) => {
  await ctx.db.close()
  await ctx.database.drop()
})

const raw = async (ctx: Context, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> =>
  (await ctx.db.orm.em.getConnection().execute(sql, params)) as Record<string, unknown>[]

it('50 concurrent task creations in one project get the numbers 1..50 exactly', async (ctx) => {
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => ctx.tp.tasks.create(ctx.alice, ctx.projectId, { title: `t${i}` })))
  const numbers = results.map((r) => right(r).task.number).sort((a, b) => a - b)
  assert.equal(numbers, Array.from({ length: 50 }, (_, i) => i + 1))
  const [row] = await raw(ctx, `select count(*)::int as n, max(number) as max from tasks where project_id = ${ctx.projectId}`)
  assert.equal(row, { n: 50, max: 50 })
})

it('50 concurrent identical task-sync pushes leave one task and one link, and no 409', async (ctx) => {
  const { raw: token } = right(await ctx.tp.apiTokens.create(ctx.alice, ctx.projectId, { name: 'jira' }))
  const payload = { source: 'jira' as const, externalId: 'PROJ-1', name: 'same', status: 'in_progress', labels: ['a'] }
  const results = await Promise.all(Array.from({ length: 50 }, () => ctx.tp.sync({ projectId: ctx.projectId, rawToken: token, payload })))
  const ok = results.map(right)
  assert.is(ok.filter((r) => r.created).length, 1)
  assert.is(new Set(ok.map((r) => r.taskId)).size, 1)
  const [counts] = await raw(ctx, 'select (select count(*)::int from tasks) as tasks, (select count(*)::int from external_links) as links')
  assert.equal(counts, { tasks: 1, links: 1 })
  const [task] = await raw(ctx, 'select number, version from tasks')
  assert.equal(task, { number: 1, version: 1 })
})

it('the audit log refuses UPDATE, DELETE and TRUNCATE, even in raw SQL', async (ctx) => {
  const [before] = await raw(ctx, 'select count(*)::int as n from audit_log')
  for (const statement of ["update audit_log set action = 'deleted'", 'delete from audit_log', 'truncate audit_log']) {
    try {
      await raw(ctx, statement)
      assert.unreachable(`${statement} was allowed`)
    } catch (error) {
      assert.match(String((error as Error).message), 'audit_log is append-only')
    }
  }
  const [after] = await raw(ctx, 'select count(*)::int as n from audit_log')
  assert.equal(after, before)
})

it('a failure after the change and before the audit write rolls everything back', async (ctx) => {
  const task = right(await ctx.tp.tasks.create(ctx.alice, ctx.projectId, { title: 'a' }))
  ctx.faults.failAuditWrites()
  await ctx.tp.tasks.changeStatus(ctx.alice, task.task.id, { status: 'in_progress' }).then(() => assert.unreachable('must fail'), () => undefined)
  await ctx.tp.tasks.create(ctx.alice, ctx.projectId, { title: 'never' }).then(() => assert.unreachable('must fail'), () => undefined)
  ctx.faults.heal()
  const rows = await raw(ctx, 'select title, status, version from tasks order by id')
  assert.equal(rows, [{ title: 'a', status: 'pending', version: 1 }])
  assert.is(right(await ctx.tp.tasks.create(ctx.alice, ctx.projectId, { title: 'b' })).task.number, 2)
})

it('the ancestor chain comes back in one statement at depth 1,000, nearest first; a corrupt cycle still ends', async (ctx) => {
  const parent = right(await ctx.tp.tasks.create(ctx.alice, ctx.projectId, { title: 'root' }))
  // 1,000 nested tasks written straight into the table (through the use cases this would take minutes).
  const rows = await raw(ctx, `
    insert into tasks (project_id, number, title, status, priority, progress_percent, rollup_progress_percent, version, created_at, updated_at)
    select ?, 100000 + n, 'level ' || n, 'pending', 'medium', 0, 0, 1, now(), now() from generate_series(1, 1000) as n returning id`, [ctx.projectId])
  const chain = [parent.task.id, ...rows.map((r) => Number(r.id))]
  for (let i = 1; i < chain.length; i += 1) await raw(ctx, 'update tasks set parent_task_id = ? where id = ?', [chain[i - 1], chain[i]])
  const deepest = chain[chain.length - 1] as number
  ctx.statements.length = 0
  const result = await ctx.db.uow.run(async (stores) => E.right(await stores.tasks.ancestorIds(deepest)))
  assert.equal(ctx.statements, [1])
  assert.equal(E.isRight(result) ? result.right : [], chain.slice(0, -1).reverse())
  // A cycle written around the rules (root under the deepest task): the walk ends, each task once.
  await raw(ctx, 'update tasks set parent_task_id = ? where id = ?', [deepest, chain[0]])
  const cyclic = await ctx.db.uow.run(async (stores) => E.right(await stores.tasks.ancestorIds(deepest)))
  const ids = E.isRight(cyclic) ? cyclic.right : []
  assert.is(new Set(ids).size, ids.length)
  assert.equal([...ids].sort((a, b) => a - b), [...chain].sort((a, b) => a - b))
  const below = await ctx.db.uow.run(async (stores) => E.right(await stores.tasks.descendantIds(chain[0] as number)))
  assert.is(E.isRight(below) ? below.right.length : 0, 1000)
  await raw(ctx, 'update tasks set parent_task_id = null where id = ?', [chain[0]])
})

it('the schema built by the migrations equals the mapped schema (no pending diff)', async (ctx) => {
  const orm = await MikroORM.init(mikroOrmOptions(ctx.database.url))
  try {
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false })
    assert.is(diff.trim(), '')
    const pending = await orm.getMigrator().getPendingMigrations()
    assert.is(pending.length, 0)
  } finally {
    await orm.close(true)
  }
})

it('task detail and a task page cost the same number of statements for 1 or 30 subtasks (no N+1)', async (ctx) => {
  const bob = right(await ctx.tp.identify({ kind: 'user', userId: 'sso|bob', email: 'bob@example.com' }))
  right(await ctx.tp.members.add(ctx.alice, ctx.projectId, { userId: 'sso|bob' }))
  const cost = async (children: number) => {
    const parent = right(await ctx.tp.tasks.create(ctx.alice, ctx.projectId, { title: `p${children}` }))
    for (let i = 0; i < children; i += 1) {
      right(await ctx.tp.tasks.createSubtask(ctx.alice, parent.task.id, { title: `c${i}`, assigneeId: i % 2 ? bob.worker.id : ctx.alice.worker.id }))
    }
    ctx.statements.length = 0
    const detail = right(await ctx.tp.tasks.get(ctx.alice, parent.task.id))
    assert.is(detail.subtasks.length, children)
    const page = right(await ctx.tp.tasks.list(ctx.alice, ctx.projectId, { parentId: parent.task.id }, { limit: 200 }))
    assert.is(page.items.length, children)
    return [...ctx.statements]
  }
  assert.equal(await cost(1), await cost(30))
})

it('20 concurrent first requests of one new user provision exactly one worker and one Default project', async (ctx) => {
  const results = await Promise.all(Array.from({ length: 20 }, () => ctx.tp.identify({ kind: 'user', userId: 'sso|zoe', email: 'zoe@example.com' })))
  assert.is(new Set(results.map((r) => right(r).worker.id)).size, 1)
  const [row] = await raw(ctx, "select (select count(*)::int from workers where user_id = 'sso|zoe') as workers, (select count(*)::int from projects where slug like 'default-zoe%') as projects")
  assert.equal(row, { workers: 1, projects: 1 })
})

it('statements per use case: create task, change status, task-sync update', async (ctx) => {
  const { raw: token } = right(await ctx.tp.apiTokens.create(ctx.alice, ctx.projectId, { name: 'jira' }))
  ctx.statements.length = 0
  const task = right(await ctx.tp.tasks.create(ctx.alice, ctx.projectId, { title: 'count me' }))
  const create = ctx.statements.pop()
  right(await ctx.tp.tasks.changeStatus(ctx.alice, task.task.id, { status: 'in_progress' }))
  const status = ctx.statements.pop()
  right(await ctx.tp.tasks.get(ctx.alice, task.task.id))
  const detail = ctx.statements.pop()
  right(await ctx.tp.sync({ projectId: ctx.projectId, rawToken: token, payload: { source: 'jira', externalId: 'S-1', name: 'v1' } }))
  const syncCreate = ctx.statements.pop()
  right(await ctx.tp.sync({ projectId: ctx.projectId, rawToken: token, payload: { source: 'jira', externalId: 'S-1', name: 'v2', status: 'done' } }))
  const syncUpdate = ctx.statements.pop()
  right(await ctx.tp.sync({ projectId: ctx.projectId, rawToken: token, payload: { source: 'jira', externalId: 'S-1', name: 'v2', status: 'done' } }))
  const syncSame = ctx.statements.pop()
  right(await ctx.tp.sync({ projectId: ctx.projectId, rawToken: token, payload: { source: 'jira', externalId: 'S-1', name: 'v3', status: 'done' } }))
  const syncRename = ctx.statements.pop()
  right(await ctx.tp.sync({ projectId: ctx.projectId, rawToken: token, payload: { source: 'jira', externalId: 'S-2', name: 'second' } }))
  const syncCreateAgain = ctx.statements.pop()
  console.log(`    statements: task detail ${detail}, create task ${create}, change status ${status}, task-sync create ${syncCreate} (${syncCreateAgain} once the token's use is recorded), task-sync update ${syncUpdate} (${syncRename} for a rename alone), identical push ${syncSame}`)
  // Deterministic counts: a change here is a change in how many round trips a request costs. The first push
  // records the token's last use; the next ones, within the minute, do not write it again. Every write that is
  // audited pays one statement for the outbox (the project's active webhook endpoints: none here).
  assert.equal({ detail, create, status, syncCreate, syncUpdate, syncRename, syncSame, syncCreateAgain }, { detail: 1, create: 5, status: 7, syncCreate: 9, syncUpdate: 10, syncRename: 7, syncSame: 4, syncCreateAgain: 8 })
})

it('statements per use case with a subscribed webhook endpoint: the outbox adds the object read and one write', async (ctx) => {
  const tp = createTaskport({ uow: ctx.faults, clock: new TestClock(), ids: randomIds, secrets: nodeTokenSecrets, cipher: aesGcmCipher(Buffer.alloc(32, 1)), urlGuard: { refusal: async () => undefined } })
  right(await tp.webhooks.create(ctx.alice, ctx.projectId, { url: 'https://hooks.test/in' }))
  ctx.statements.length = 0
  const task = right(await tp.tasks.create(ctx.alice, ctx.projectId, { title: 'evented' }))
  const create = ctx.statements.pop()
  right(await tp.tasks.changeStatus(ctx.alice, task.task.id, { status: 'in_progress' }))
  const status = ctx.statements.pop()
  console.log(`    statements with an endpoint: create task ${create}, change status ${status}`)
  assert.equal({ create, status }, { create: 7, status: 9 })
  const [row] = await raw(ctx, 'select (select count(*)::int from webhook_events) as events, (select count(*)::int from webhook_event_deliveries) as deliveries')
  assert.equal(row, { events: 2, deliveries: 2 })
})

it('outbox on PostgreSQL: a failure after the audit write, or in the event write, leaves no task, entry, event or delivery', async (ctx) => {
  const tp = createTaskport({ uow: ctx.faults, clock: new TestClock(), ids: randomIds, secrets: nodeTokenSecrets, cipher: aesGcmCipher(Buffer.alloc(32, 1)), urlGuard: { refusal: async () => undefined } })
  right(await tp.webhooks.create(ctx.alice, ctx.projectId, { url: 'https://hooks.test/in' }))
  const counts = async () => (await raw(ctx, 'select (select count(*)::int from tasks) as tasks, (select count(*)::int from audit_log where entity_type = \'task\') as audit, (select count(*)::int from webhook_events) as events, (select count(*)::int from webhook_event_deliveries) as deliveries'))[0] as { tasks: number; audit: number; events: number; deliveries: number }
  const before = await counts()
  for (const fail of [() => ctx.faults.failAfterAuditWrites(), () => ctx.faults.failEventWrites()]) {
    fail()
    await tp.tasks.create(ctx.alice, ctx.projectId, { title: 'rolled back' }).then(() => assert.unreachable('must fail'), () => undefined)
    ctx.faults.heal()
  }
  assert.equal(await counts(), before)
  right(await tp.tasks.create(ctx.alice, ctx.projectId, { title: 'committed' }))
  assert.equal(await counts(), { tasks: before.tasks + 1, audit: before.audit + 1, events: before.events + 1, deliveries: before.deliveries + 1 })
})

it.run()
