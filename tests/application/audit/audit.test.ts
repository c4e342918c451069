// The audit log through the use cases: the three queries (task, project, actor) with their order, filters,
// pages and visibility; one entry per write; and atomicity: when the audit write fails, the change is gone too.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { AppError } from '../../../src/application/index.js'
import type { AuditEntry } from '../../../src/domain/index.js'
import { fixture, left, right, type Fixture } from '../../support/app-fixture.js'

const committed = (f: Fixture) => f.adapters.db.snapshot()

const paths = (error: AppError): readonly string[] =>
  error._tag === 'ValidationFailed' ? error.issues.map((i) => i.path) : assert.unreachable(`expected ValidationFailed, got ${error._tag}`) as never

/** Every page of a query, following the cursors. */
const everyPage = async (
  fetch: (request: { limit: number; cursor?: string }) => Promise<{ items: readonly AuditEntry[]; nextCursor: string | null }>,
  limit: number,
): Promise<AuditEntry[]> => {
  const out: AuditEntry[] = []
  let cursor: string | undefined
  for (let guard = 0; guard < 100; guard += 1) {
    const page = await fetch(cursor === undefined ? { limit } : { limit, cursor })
    assert.ok(page.items.length <= limit)
    out.push(...page.items)
    if (page.nextCursor === null) return out
    cursor = page.nextCursor
  }
  throw new Error('the cursors never ended')
}

// ------------------------------------------------------------------------------------------ task audit

test('task audit: this task\'s entries only, oldest first, with actor, project and time', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const mia = await f.human('mia')
  const pid = await f.project(alice, 'web-app', [[mia, 'member']])
  const t = right(await f.tp.tasks.create(alice, pid, { title: 't0', assigneeId: mia.worker.id }))
  const other = right(await f.tp.tasks.create(alice, pid, { title: 'other' }))
  const times = [f.clock.now()]
  times.push(f.clock.advance())
  right(await f.tp.tasks.changeStatus(mia, t.task.id, { status: 'in_progress', reason: 'go' }))
  right(await f.tp.tasks.update(alice, other.task.id, { title: 'other 2' }))
  times.push(f.clock.advance())
  right(await f.tp.tasks.reportProgress(mia, t.task.id, { percent: 10, note: 'n' }))
  times.push(f.clock.advance())
  right(await f.tp.tasks.update(alice, t.task.id, { title: 't1' }))
  const entries = right(await f.tp.audit.forTask(mia, t.task.id, {})).items
  assert.equal(entries.map((e) => e.action), ['created', 'status_changed', 'progress_updated', 'updated'])
  assert.equal(entries.map((e) => e.createdAt), times)
  assert.equal(entries.map((e) => e.actor), [
    { type: 'human', id: alice.worker.id }, { type: 'human', id: mia.worker.id }, { type: 'human', id: mia.worker.id }, { type: 'human', id: alice.worker.id },
  ])
  assert.ok(entries.every((e) => e.projectId === pid && e.entityType === 'task' && e.entityId === String(t.task.id)))
  assert.ok(entries.every((e, i) => i === 0 || (entries[i - 1]?.id ?? Infinity) < e.id))
  // The created entry holds the whole task.
  assert.equal(entries[0]?.details.after, {
    title: 't0', description: null, status: 'pending', priority: 'medium', tags: [], due_date: null, story_points: null,
    assignee_id: mia.worker.id, parent_task_id: null, progress_percent: 0, started_at: null, completed_at: null,
  })
  assert.equal(entries[3]?.details, { before: { title: 't0' }, after: { title: 't1' } })
})

test('task audit: pages follow the cursor in order; members, viewers and platform admins read it, outsiders do not', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const vic = await f.human('vic')
  const eve = await f.human('eve')
  const pid = await f.project(alice, 'web-app', [[vic, 'viewer']])
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'v0' }))
  for (let i = 1; i <= 6; i += 1) right(await f.tp.tasks.update(alice, t.task.id, { title: `v${i}` }))
  const first = right(await f.tp.audit.forTask(alice, t.task.id, { limit: 3 }))
  assert.equal(first.items.map((e) => e.action), ['created', 'updated', 'updated'])
  assert.equal(first.items.map((e) => e.details.after?.title), ['v0', 'v1', 'v2'])
  assert.ok(first.nextCursor)
  const paged = await everyPage((r) => f.tp.audit.forTask(vic, t.task.id, r).then(right), 3)
  assert.equal(paged.map((e) => e.details.after?.title), ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'])
  // Entries written between pages come at the end, never twice.
  const p1 = right(await f.tp.audit.forTask(alice, t.task.id, { limit: 4 }))
  right(await f.tp.tasks.update(alice, t.task.id, { title: 'v7' }))
  const p2 = right(await f.tp.audit.forTask(alice, t.task.id, { limit: 4, cursor: p1.nextCursor ?? '' }))
  assert.equal(p2.items.map((e) => e.details.after?.title), ['v4', 'v5', 'v6', 'v7'])
  assert.is(p2.nextCursor, null)
  const root = await f.human('root', { platformAdmin: true })
  assert.is(right(await f.tp.audit.forTask(root, t.task.id, { limit: 200 })).items.length, 8)
  left(await f.tp.audit.forTask(eve, t.task.id, {}), 'NotFound', `Task with ID ${t.task.id} not found`)
  left(await f.tp.audit.forTask(alice, 999_999, {}), 'NotFound')
  assert.equal(paths(left(await f.tp.audit.forTask(alice, t.task.id, { limit: 0 }), 'ValidationFailed')), ['limit'])
  assert.equal(paths(left(await f.tp.audit.forTask(alice, t.task.id, { cursor: 'nope' }), 'ValidationFailed')), ['cursor'])
})

// --------------------------------------------------------------------------------------- project audit

const projectScene = async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const mia = await f.human('mia')
  const vic = await f.human('vic')
  const eve = await f.human('eve')
  const bot = await f.agent(alice, '@bot')
  const pid = await f.project(alice, 'web-app', [[mia, 'member'], [vic, 'viewer'], [bot, 'member']])
  const elsewhere = await f.project(alice, 'elsewhere')
  right(await f.tp.tasks.create(alice, elsewhere, { title: 'not in web-app' }))
  const t = right(await f.tp.tasks.create(mia, pid, { title: 'x', assigneeId: mia.worker.id }))
  right(await f.tp.tasks.changeStatus(mia, t.task.id, { status: 'in_progress' }))
  right(await f.tp.tasks.assign(mia, t.task.id, bot.worker.id))
  right(await f.tp.tasks.reportProgress(bot, t.task.id, { percent: 50 }))
  return { f, alice, mia, vic, eve, bot, pid, t }
}

test('project audit: this project\'s entries, newest first', async () => {
  const { f, vic, pid } = await projectScene()
  const all = right(await f.tp.audit.forProject(vic, pid, {}, {})).items
  assert.equal(all.map((e) => [e.entityType, e.action]), [
    ['task', 'progress_updated'], ['task', 'assigned'], ['task', 'status_changed'], ['task', 'created'],
    ['member', 'member_added'], ['member', 'member_added'], ['member', 'member_added'], ['project', 'created'],
  ])
  assert.ok(all.every((e) => e.projectId === pid))
  assert.ok(all.every((e, i) => i === 0 || (all[i - 1]?.id ?? 0) > e.id))
})

test('project audit: filters by actor, action and entity type, alone and together', async () => {
  const { f, alice, mia, bot, pid } = await projectScene()
  const query = async (filter: Parameters<typeof f.tp.audit.forProject>[2]) =>
    right(await f.tp.audit.forProject(alice, pid, filter, {})).items.map((e) => e.action)
  assert.equal(await query({ actorId: String(mia.worker.id) }), ['assigned', 'status_changed', 'created'])
  assert.equal(await query({ actorId: String(bot.worker.id) }), ['progress_updated'])
  assert.equal(await query({ actorId: String(alice.worker.id) }), ['member_added', 'member_added', 'member_added', 'created'])
  assert.equal(await query({ actorId: '424242' }), [])
  assert.equal(await query({ action: 'created' }), ['created', 'created'])
  assert.equal(right(await f.tp.audit.forProject(alice, pid, { action: 'created' }, {})).items.map((e) => e.entityType), ['task', 'project'])
  assert.equal(await query({ action: 'approved' }), [])
  assert.equal(await query({ entityType: 'member' }), ['member_added', 'member_added', 'member_added'])
  assert.equal(await query({ entityType: 'project' }), ['created'])
  assert.equal(await query({ action: 'created', entityType: 'task' }), ['created'])
  assert.equal(await query({ actorId: String(mia.worker.id), entityType: 'task', action: 'created' }), ['created'])
  assert.equal(await query({ actorId: String(alice.worker.id), entityType: 'task' }), [])
})

test('project audit: cursor pages cover it exactly once, also when entries arrive between pages', async () => {
  const { f, alice, pid, t } = await projectScene()
  const all = right(await f.tp.audit.forProject(alice, pid, {}, {})).items
  const paged = await everyPage((r) => f.tp.audit.forProject(alice, pid, {}, r).then(right), 3)
  assert.equal(paged.map((e) => e.id), all.map((e) => e.id))
  const p1 = right(await f.tp.audit.forProject(alice, pid, {}, { limit: 3 }))
  right(await f.tp.tasks.update(alice, t.task.id, { title: 'new entry' }))
  const rest = await everyPage((r) => f.tp.audit.forProject(alice, pid, {}, { ...r, cursor: r.cursor ?? p1.nextCursor ?? '' }).then(right), 3)
  // Newest first: the new entry is above the first page, so the following pages are unchanged.
  assert.equal([...p1.items, ...rest].map((e) => e.id), all.map((e) => e.id))
  const filtered = await everyPage((r) => f.tp.audit.forProject(alice, pid, { entityType: 'member' }, r).then(right), 2)
  assert.is(filtered.length, 3)
})

test('project audit: outsiders get not found; platform admins may read; bad paging is refused', async () => {
  const { f, alice, eve, pid } = await projectScene()
  left(await f.tp.audit.forProject(eve, pid, {}, {}), 'NotFound', `Project with ID ${pid} not found`)
  left(await f.tp.audit.forProject(alice, 999_999, {}, {}), 'NotFound')
  const root = await f.human('root', { platformAdmin: true })
  assert.is(right(await f.tp.audit.forProject(root, pid, {}, {})).items.length, 8)
  assert.equal(paths(left(await f.tp.audit.forProject(alice, pid, {}, { limit: 201 }), 'ValidationFailed')), ['limit'])
  assert.equal(paths(left(await f.tp.audit.forProject(alice, pid, {}, { cursor: 'nope' }), 'ValidationFailed')), ['cursor'])
})

// ----------------------------------------------------------------------------------------- actor audit

const actorScene = async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const bob = await f.human('bob')
  const carl = await f.human('carl')
  const shared = await f.project(alice, 'shared', [[bob, 'viewer']])
  const secret = await f.project(alice, 'secret')
  right(await f.tp.tasks.create(alice, shared, { title: 'in shared' }))
  right(await f.tp.tasks.create(alice, secret, { title: 'in secret' }))
  return { f, alice, bob, carl, shared, secret }
}

test('actor audit: one actor\'s entries across the caller\'s projects only, newest first', async () => {
  const { f, alice, bob, shared, secret } = await actorScene()
  const seenByBob = right(await f.tp.audit.byActor(bob, String(alice.worker.id), { limit: 200 })).items
  assert.ok(seenByBob.length > 0)
  assert.ok(seenByBob.every((e) => e.projectId === shared && e.actor.id === alice.worker.id))
  assert.equal(seenByBob.map((e) => [e.entityType, e.action]), [['task', 'created'], ['member', 'member_added'], ['project', 'created']])
  const byAlice = committed(f).audit.filter((e) => e.actor.id === alice.worker.id)
  assert.ok(byAlice.some((e) => e.projectId === secret))
  assert.ok(seenByBob.every((e, i) => i === 0 || (seenByBob[i - 1]?.id ?? 0) > e.id))
})

test('actor audit: without an actor, the caller\'s own entries; a platform admin sees every project', async () => {
  const { f, alice, bob, carl, shared, secret } = await actorScene()
  const own = right(await f.tp.audit.byActor(alice, undefined, { limit: 200 })).items
  assert.ok(own.every((e) => e.actor.id === alice.worker.id))
  assert.ok(own.length > 1 && own.every((e, i) => i === 0 || (own[i - 1]?.id ?? 0) > e.id))
  assert.ok(own.some((e) => e.projectId === shared) && own.some((e) => e.projectId === secret))
  const ownOfBob = right(await f.tp.audit.byActor(bob, undefined, { limit: 200 })).items
  assert.ok(ownOfBob.every((e) => e.actor.id === bob.worker.id))
  // Bob's own entries: the creation of his Default project.
  assert.equal(ownOfBob.map((e) => [e.entityType, e.action]), [['project', 'created']])
  // Carl shares no project with alice: nothing of hers.
  assert.equal(right(await f.tp.audit.byActor(carl, String(alice.worker.id), {})).items, [])
  const root = await f.human('root', { platformAdmin: true })
  const seenByRoot = right(await f.tp.audit.byActor(root, String(alice.worker.id), { limit: 200 })).items
  const everyEntryOfAlice = committed(f).audit.filter((e) => e.actor.id === alice.worker.id).map((e) => e.id).reverse()
  assert.equal(seenByRoot.map((e) => e.id), everyEntryOfAlice)
  // Alice belongs to every project she wrote to: her own view and the platform admin's hold the same entries.
  assert.equal(own.map((e) => e.id), seenByRoot.map((e) => e.id))
  assert.ok(seenByRoot.some((e) => e.projectId === secret))
})

test('actor audit: agents are actors too; pages follow the cursor', async () => {
  const { f, alice, bob, shared } = await actorScene()
  const bot = await f.agent(alice, '@bot')
  right(await f.tp.members.add(alice, shared, { agentId: bot.worker.id, role: 'member' }))
  const t = right(await f.tp.tasks.create(alice, shared, { title: 'bot work', assigneeId: bot.worker.id }))
  right(await f.tp.tasks.changeStatus(bot, t.task.id, { status: 'in_progress' }))
  right(await f.tp.tasks.reportProgress(bot, t.task.id, { percent: 5 }))
  right(await f.tp.tasks.reportProgress(bot, t.task.id, { percent: 6 }))
  const seen = await everyPage((r) => f.tp.audit.byActor(bob, String(bot.worker.id), r).then(right), 2)
  assert.equal(seen.map((e) => e.action), ['progress_updated', 'progress_updated', 'status_changed'])
  assert.ok(seen.every((e) => e.actor.type === 'agent'))
  assert.equal(paths(left(await f.tp.audit.byActor(alice, undefined, { limit: -1 }), 'ValidationFailed')), ['limit'])
  assert.equal(paths(left(await f.tp.audit.byActor(alice, undefined, { cursor: 'x' }), 'ValidationFailed')), ['cursor'])
})

// ------------------------------------------------------------------------------ one entry per write

const workflowScene = async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const mia = await f.human('mia')
  const max = await f.human('max')
  const pid = await f.project(alice, 'web-app', [[mia, 'member'], [max, 'member']])
  const parent = right(await f.tp.tasks.create(alice, pid, { title: 'parent' }))
  const task = right(await f.tp.tasks.createSubtask(alice, parent.task.id, { title: 'task', assigneeId: mia.worker.id }))
  return { f, alice, mia, max, pid, parent: parent.task.id, id: task.task.id }
}

test('every write writes exactly one audit entry, whatever else it touches (rollups, subtrees)', async () => {
  const { f, alice, mia, max, pid, parent, id } = await workflowScene()
  const writes: ReadonlyArray<readonly [string, () => Promise<{ _tag: string }>]> = [
    ['create', () => f.tp.tasks.create(alice, pid, { title: 'another' })],
    ['create subtask', () => f.tp.tasks.createSubtask(alice, parent, { title: 'sibling' })],
    ['update', () => f.tp.tasks.update(alice, id, { title: 'renamed', priority: 'high', tags: ['a'] })],
    ['status', () => f.tp.tasks.changeStatus(mia, id, { status: 'in_progress', reason: 'go' })],
    ['progress', () => f.tp.tasks.reportProgress(mia, id, { percent: 40, note: 'n' })],
    ['review', () => f.tp.tasks.changeStatus(mia, id, { status: 'review' })],
    ['reject', () => f.tp.tasks.reject(max, id, 'more')],
    ['review again', () => f.tp.tasks.changeStatus(mia, id, { status: 'review' })],
    ['approve', () => f.tp.tasks.approve(max, id)],
    ['unassign', () => f.tp.tasks.assign(alice, id, null)],
    ['assign', () => f.tp.tasks.assign(alice, id, max.worker.id)],
    ['reparent', () => f.tp.tasks.update(alice, id, { parentTaskId: null })],
    ['force delete of a subtree', () => f.tp.tasks.delete(alice, parent, true)],
  ]
  for (const [name, write] of writes) {
    const before = committed(f).audit.length
    const result = await write()
    assert.is(result._tag, 'Right', name)
    assert.is(committed(f).audit.length, before + 1, name)
  }
  const actions = committed(f).audit.slice(-writes.length).map((e) => e.action)
  assert.equal(actions, [
    'created', 'created', 'updated', 'status_changed', 'progress_updated', 'status_changed', 'rejected', 'status_changed',
    'approved', 'unassigned', 'assigned', 'updated', 'deleted',
  ])
})

test('refused writes write no audit entry', async () => {
  const { f, alice, mia, max, pid, id } = await workflowScene()
  const before = committed(f)
  const refusals = [
    await f.tp.tasks.create(alice, pid, { title: '' }),
    await f.tp.tasks.update(max, id, { title: 'x' }),
    await f.tp.tasks.update(alice, id, { title: 'x', expectedVersion: 9 }),
    await f.tp.tasks.changeStatus(mia, id, { status: 'completed' }),
    await f.tp.tasks.reportProgress(mia, id, { percent: 10 }),
    await f.tp.tasks.approve(max, id),
    await f.tp.tasks.reject(max, id, 'x'),
    await f.tp.tasks.assign(alice, id, 999),
    await f.tp.tasks.delete(max, id, false),
  ]
  assert.ok(refusals.every((r) => r._tag === 'Left'))
  const after = committed(f)
  assert.is(after.audit.length, before.audit.length)
  assert.equal(after.tasks, before.tasks)
})

// ----------------------------------------------------------------------------------------- atomicity

/** The call must fail with the injected audit failure (a bug surfaces, it is never turned into a Left). */
const failsWithInjectedFault = async (name: string, call: () => Promise<unknown>): Promise<void> => {
  let outcome: unknown
  try {
    outcome = await call()
  } catch (error) {
    assert.instance(error, Error, name)
    assert.match((error as Error).message, 'injected audit failure', name)
    return
  }
  assert.unreachable(`${name}: expected the injected failure, got ${JSON.stringify(outcome)}`)
}

test('atomicity: when the audit write fails, the task change is rolled back with it', async () => {
  const { f, alice, mia, max, pid, parent, id } = await workflowScene()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  right(await f.tp.tasks.reportProgress(mia, id, { percent: 30 }))
  const inReview = right(await f.tp.tasks.create(alice, pid, { title: 'in review', assigneeId: mia.worker.id }))
  right(await f.tp.tasks.changeStatus(mia, inReview.task.id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(mia, inReview.task.id, { status: 'review' }))
  const before = committed(f)
  f.faults.failAuditWrites()
  const attempts: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
    ['update', () => f.tp.tasks.update(alice, id, { title: 'changed', priority: 'urgent' })],
    ['reparent', () => f.tp.tasks.update(alice, id, { parentTaskId: null })],
    ['status', () => f.tp.tasks.changeStatus(mia, id, { status: 'completed' })],
    ['progress', () => f.tp.tasks.reportProgress(mia, id, { percent: 90 })],
    ['assign', () => f.tp.tasks.assign(alice, id, max.worker.id)],
    ['unassign', () => f.tp.tasks.assign(alice, id, null)],
    ['approve', () => f.tp.tasks.approve(max, inReview.task.id)],
    ['reject', () => f.tp.tasks.reject(max, inReview.task.id, 'no')],
    ['delete', () => f.tp.tasks.delete(alice, id, false)],
    ['force delete', () => f.tp.tasks.delete(alice, parent, true)],
  ]
  for (const [name, attempt] of attempts) await failsWithInjectedFault(name, attempt)
  f.faults.heal()
  const after = committed(f)
  assert.equal(after.tasks, before.tasks)
  assert.equal(after.audit, before.audit)
  const task = right(await f.tp.tasks.get(alice, id)).task
  assert.equal([task.version, task.status, task.progressPercent, task.title, task.assigneeId, task.parentTaskId],
    [3, 'in_progress', 30, 'task', mia.worker.id, parent])
  const reviewed = right(await f.tp.tasks.get(alice, inReview.task.id)).task
  assert.equal([reviewed.version, reviewed.status], [3, 'review'])
  // The parent's rollup did not move either.
  assert.is(after.tasks.get(parent)?.rollupProgressPercent, 30)
  // Healed, the same operations go through.
  assert.is(right(await f.tp.tasks.changeStatus(mia, id, { status: 'completed' })).task.version, 4)
  assert.is(right(await f.tp.tasks.approve(max, inReview.task.id)).task.status, 'completed')
})

test('atomicity: a create whose audit write fails leaves no task and uses up no number', async () => {
  const { f, alice, pid, parent } = await workflowScene()
  const before = committed(f)
  f.faults.failAuditWrites()
  await failsWithInjectedFault('create', () => f.tp.tasks.create(alice, pid, { title: 'never' }))
  await failsWithInjectedFault('create subtask', () => f.tp.tasks.createSubtask(alice, parent, { title: 'never' }))
  f.faults.heal()
  const after = committed(f)
  assert.equal(after.tasks, before.tasks)
  assert.equal(after.taskNumbers, before.taskNumbers)
  assert.equal(after.audit, before.audit)
  assert.equal(right(await f.tp.tasks.list(alice, pid, {}, {})).items.map((v) => v.task.title), ['parent', 'task'])
  const next = right(await f.tp.tasks.create(alice, pid, { title: 'next' }))
  assert.equal([next.task.number, next.shortId], [3, 'WA-3'])
})

test.run()
