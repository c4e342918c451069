import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fixture, left, right } from '../../support/app-fixture.js'

const setup = async () => {
  const f = fixture()
  const alice = await f.human('alice') // owner
  const mia = await f.human('mia') // member
  const vic = await f.human('vic') // viewer
  const eve = await f.human('eve') // outsider
  const bot = await f.agent(alice, '@bot')
  const pid = await f.project(alice, 'web-app', [[mia, 'member'], [vic, 'viewer'], [bot, 'member']])
  return { f, alice, mia, vic, eve, bot, pid }
}

test('create: defaults, sequential numbers per project, short id, audit', async () => {
  const { f, alice, mia, pid } = await setup()
  const other = await f.project(alice, 'other-app')
  const a = right(await f.tp.tasks.create(mia, pid, { title: 'one' }))
  const b = right(await f.tp.tasks.create(alice, pid, { title: 'two', priority: 'high', tags: ['x'], dueDate: '2026-12-01', storyPoints: 2.5 }))
  const c = right(await f.tp.tasks.create(alice, other, { title: 'elsewhere' }))
  assert.equal([a.task.number, b.task.number, c.task.number], [1, 2, 1])
  assert.equal([a.shortId, b.shortId, c.shortId], ['WA-1', 'WA-2', 'OA-1'])
  assert.is(a.task.status, 'pending')
  assert.is(a.task.priority, 'medium')
  assert.is(a.task.createdById, mia.worker.id)
  assert.is(b.task.storyPoints, 2.5)
  const entry = right(await f.tp.audit.forTask(alice, a.task.id, {})).items[0]
  assert.is(entry?.action, 'created')
  assert.is(entry?.details.after?.title, 'one')
})

test('create: viewers are refused, outsiders do not see the project', async () => {
  const { f, vic, eve, pid } = await setup()
  left(await f.tp.tasks.create(vic, pid, { title: 'x' }), 'Forbidden', 'Viewers cannot create tasks')
  left(await f.tp.tasks.create(eve, pid, { title: 'x' }), 'NotFound')
  left(await f.tp.tasks.create(vic, pid, { title: '' }), 'Forbidden')
})

test('create: the assignee must be a member of the project, human or agent', async () => {
  const { f, alice, eve, bot, pid } = await setup()
  left(await f.tp.tasks.create(alice, pid, { title: 'x', assigneeId: 999 }), 'AssigneeNotFound', 'Member with ID 999 not found in this project')
  left(await f.tp.tasks.create(alice, pid, { title: 'x', assigneeId: eve.worker.id }), 'NotAProjectMember', '@eve is not a member of project web-app')
  const lone = await f.agent(alice, '@lone')
  left(await f.tp.tasks.create(alice, pid, { title: 'x', assigneeId: lone.worker.id }), 'NotAProjectMember', 'Agent not a member of this project')
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'x', assigneeId: bot.worker.id }))
  assert.is(t.assigneeHandle, '@bot')
})

test('create: a parent must exist and be in the same project', async () => {
  const { f, alice, pid } = await setup()
  const other = await f.project(alice, 'other-app')
  const foreign = right(await f.tp.tasks.create(alice, other, { title: 'x' }))
  left(await f.tp.tasks.create(alice, pid, { title: 'x', parentTaskId: foreign.task.id }), 'ParentInOtherProject', 'Parent task must be in the same project')
  left(await f.tp.tasks.create(alice, pid, { title: 'x', parentTaskId: 9999 }), 'ValidationFailed', 'parent_task_id: task 9999 does not exist')
  left(await f.tp.tasks.create(alice, pid, { title: ' ', storyPoints: -1 }), 'ValidationFailed')
})

test('subtasks: created under the parent, listed on its detail', async () => {
  const { f, alice, mia, pid } = await setup()
  const parent = right(await f.tp.tasks.create(alice, pid, { title: 'parent' }))
  const child = right(await f.tp.tasks.createSubtask(mia, parent.task.id, { title: 'child', parentTaskId: 12345 }))
  assert.is(child.task.parentTaskId, parent.task.id)
  const grandchild = right(await f.tp.tasks.createSubtask(alice, child.task.id, { title: 'grandchild' }))
  const detail = right(await f.tp.tasks.get(alice, parent.task.id))
  assert.equal(detail.subtasks.map((s) => s.task.id), [child.task.id])
  assert.is(grandchild.task.parentTaskId, child.task.id)
  left(await f.tp.tasks.createSubtask(await f.human('eve'), parent.task.id, { title: 'x' }), 'NotFound')
})

test('get: recent audit is the latest 10, newest first; outsiders get not found', async () => {
  const { f, alice, eve, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'v0' }))
  for (let i = 1; i <= 11; i += 1) right(await f.tp.tasks.update(alice, t.task.id, { title: `v${i}` }))
  const detail = right(await f.tp.tasks.get(alice, t.task.id))
  assert.is(detail.recentAudit.length, 10)
  assert.equal(detail.recentAudit[0]?.details.after, { title: 'v11' })
  assert.equal(detail.recentAudit[9]?.details.after, { title: 'v2' })
  assert.is(detail.task.version, 12)
  left(await f.tp.tasks.get(eve, t.task.id), 'NotFound', `Task with ID ${t.task.id} not found`)
  left(await f.tp.tasks.get(alice, 999_999), 'NotFound')
})

test('list: every filter, and keyset pages that stay stable while tasks are added', async () => {
  const { f, alice, mia, bot, pid } = await setup()
  const a = right(await f.tp.tasks.create(alice, pid, { title: 'Fix Login bug', priority: 'high', tags: ['auth'], assigneeId: mia.worker.id }))
  const b = right(await f.tp.tasks.create(alice, pid, { title: 'Write docs', tags: ['docs'], assigneeId: bot.worker.id }))
  const c = right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'login tests', tags: ['auth', 'tests'] }))
  right(await f.tp.tasks.changeStatus(alice, b.task.id, { status: 'in_progress' }))
  const ids = async (filter: object) => right(await f.tp.tasks.list(alice, pid, filter, {})).items.map((v) => v.task.id)
  assert.equal(await ids({}), [a.task.id, b.task.id, c.task.id])
  assert.equal(await ids({ status: 'in_progress' }), [b.task.id])
  assert.equal(await ids({ assigneeId: mia.worker.id }), [a.task.id])
  assert.equal(await ids({ assigneeId: 'none' }), [c.task.id])
  assert.equal(await ids({ priority: 'high' }), [a.task.id])
  assert.equal(await ids({ tag: 'auth' }), [a.task.id, c.task.id])
  assert.equal(await ids({ parentId: a.task.id }), [c.task.id])
  assert.equal(await ids({ parentId: 'none' }), [a.task.id, b.task.id])
  assert.equal(await ids({ q: 'LOGIN' }), [a.task.id, c.task.id])
  assert.equal(await ids({ q: 'login', tag: 'tests' }), [c.task.id])
  const first = right(await f.tp.tasks.list(alice, pid, {}, { limit: 2 }))
  assert.equal(first.items.map((v) => v.task.id), [a.task.id, b.task.id])
  const d = right(await f.tp.tasks.create(alice, pid, { title: 'added meanwhile' }))
  const second = right(await f.tp.tasks.list(alice, pid, {}, { limit: 2, cursor: first.nextCursor ?? '' }))
  assert.equal(second.items.map((v) => v.task.id), [c.task.id, d.task.id])
  assert.is(second.nextCursor, null)
  assert.equal(first.items.map((v) => v.assigneeHandle), ['@mia', '@bot'])
  left(await f.tp.tasks.list(alice, pid, {}, { cursor: '%%%' }), 'ValidationFailed')
  left(await f.tp.tasks.list(await f.human('eve'), pid, {}, {}), 'NotFound')
})

test('update: member only on tasks assigned to them; admin on any; viewer never', async () => {
  const { f, alice, mia, vic, pid } = await setup()
  const adam = await f.human('adam')
  right(await f.tp.members.add(alice, pid, { userId: 'sso|adam', role: 'admin' }))
  const mine = right(await f.tp.tasks.create(alice, pid, { title: 'mine', assigneeId: mia.worker.id }))
  const unassigned = right(await f.tp.tasks.create(mia, pid, { title: 'nobody' }))
  assert.is(right(await f.tp.tasks.update(mia, mine.task.id, { title: 'mine!' })).task.title, 'mine!')
  left(await f.tp.tasks.update(mia, unassigned.task.id, { title: 'x' }), 'Forbidden', 'Members can only modify tasks assigned to them')
  left(await f.tp.tasks.update(vic, mine.task.id, { title: 'x' }), 'Forbidden', 'Viewers cannot modify tasks')
  right(await f.tp.tasks.update(adam, unassigned.task.id, { title: 'by admin' }))
})

test('update: If-Match, one version per request, no-op writes nothing, only changed fields audited', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'a', description: 'd' }))
  left(await f.tp.tasks.update(alice, t.task.id, { title: 'b', expectedVersion: 7 }), 'VersionMismatch')
  const next = right(await f.tp.tasks.update(alice, t.task.id, { title: 'b', priority: 'urgent', tags: ['x'], description: null, expectedVersion: 1 }))
  assert.is(next.task.version, 2)
  const entry = right(await f.tp.tasks.get(alice, t.task.id)).recentAudit[0]
  assert.equal(entry?.details, {
    before: { title: 'a', description: 'd', priority: 'medium', tags: [] },
    after: { title: 'b', description: null, priority: 'urgent', tags: ['x'] },
  })
  const same = right(await f.tp.tasks.update(alice, t.task.id, { title: 'b' }))
  assert.is(same.task.version, 2)
  assert.is(right(await f.tp.audit.forTask(alice, t.task.id, {})).items.length, 2)
  left(await f.tp.tasks.update(alice, t.task.id, { dueDate: 'tomorrow' }), 'ValidationFailed')
})

test('update: reparenting within the project, never into a cycle, back to top level', async () => {
  const { f, alice, pid } = await setup()
  const a = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  const b = right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'b' }))
  const c = right(await f.tp.tasks.createSubtask(alice, b.task.id, { title: 'c' }))
  const d = right(await f.tp.tasks.create(alice, pid, { title: 'd' }))
  left(await f.tp.tasks.update(alice, a.task.id, { parentTaskId: a.task.id }), 'CircularReference', 'Circular reference detected')
  left(await f.tp.tasks.update(alice, a.task.id, { parentTaskId: b.task.id }), 'CircularReference')
  left(await f.tp.tasks.update(alice, a.task.id, { parentTaskId: c.task.id }), 'CircularReference')
  const other = await f.project(alice, 'other-app')
  const foreign = right(await f.tp.tasks.create(alice, other, { title: 'f' }))
  left(await f.tp.tasks.update(alice, d.task.id, { parentTaskId: foreign.task.id }), 'ParentInOtherProject')
  const moved = right(await f.tp.tasks.update(alice, c.task.id, { parentTaskId: d.task.id }))
  assert.is(moved.task.parentTaskId, d.task.id)
  const top = right(await f.tp.tasks.update(alice, c.task.id, { parentTaskId: null }))
  assert.is(top.task.parentTaskId, null)
  const audit = right(await f.tp.audit.forTask(alice, c.task.id, {})).items
  assert.equal(audit.map((e) => e.details.after?.parent_task_id), [b.task.id, d.task.id, null])
})

test('delete: refused while subtasks exist; force takes the subtree; one audit entry', async () => {
  const { f, alice, mia, pid } = await setup()
  const a = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  const b = right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'b' }))
  const c = right(await f.tp.tasks.createSubtask(alice, b.task.id, { title: 'c' }))
  const keep = right(await f.tp.tasks.create(alice, pid, { title: 'keep' }))
  left(await f.tp.tasks.delete(mia, a.task.id, true), 'Forbidden')
  left(await f.tp.tasks.delete(alice, a.task.id, false), 'TaskHasSubtasks', 'Task has 2 subtasks. Delete subtasks first or use force=true')
  right(await f.tp.tasks.delete(alice, a.task.id, true))
  for (const gone of [a, b, c]) left(await f.tp.tasks.get(alice, gone.task.id), 'NotFound')
  right(await f.tp.tasks.get(alice, keep.task.id))
  const deleted = right(await f.tp.audit.forProject(alice, pid, { action: 'deleted' }, {})).items
  assert.is(deleted.length, 1)
  assert.equal(deleted[0]?.details.deleted_subtask_ids, [b.task.id, c.task.id])
  assert.is(deleted[0]?.details.before?.title, 'a')
  right(await f.tp.tasks.delete(alice, keep.task.id, false))
})

test('task numbers never repeat after a delete', async () => {
  const { f, alice, pid } = await setup()
  const a = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  right(await f.tp.tasks.delete(alice, a.task.id, false))
  assert.is(right(await f.tp.tasks.create(alice, pid, { title: 'b' })).task.number, 2)
})

test('every task write is atomic with its audit entry', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  f.faults.failAuditWrites()
  for (const attempt of [
    () => f.tp.tasks.create(alice, pid, { title: 'never' }),
    () => f.tp.tasks.createSubtask(alice, t.task.id, { title: 'never' }),
    () => f.tp.tasks.update(alice, t.task.id, { title: 'changed' }),
    () => f.tp.tasks.delete(alice, t.task.id, true),
  ]) {
    await attempt().then(() => assert.unreachable('the injected failure must surface'), () => undefined)
  }
  f.faults.heal()
  const all = right(await f.tp.tasks.list(alice, pid, {}, {})).items
  assert.equal(all.map((v) => [v.task.title, v.task.version]), [['a', 1]])
  assert.is(right(await f.tp.tasks.create(alice, pid, { title: 'next' })).task.number, 2)
})

test.run()
