import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fixture, left, right } from '../../support/app-fixture.js'

test('task history: oldest first, paginated', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const pid = await f.project(alice, 'web-app')
  const t = right(await f.tp.tasks.create(alice, pid, { title: 't0' }))
  for (let i = 1; i <= 4; i += 1) right(await f.tp.tasks.update(alice, t.task.id, { title: `t${i}` }))
  const first = right(await f.tp.audit.forTask(alice, t.task.id, { limit: 3 }))
  assert.equal(first.items.map((e) => e.action), ['created', 'updated', 'updated'])
  const rest = right(await f.tp.audit.forTask(alice, t.task.id, { limit: 3, cursor: first.nextCursor ?? '' }))
  assert.equal(rest.items.map((e) => e.details.after?.title), ['t3', 't4'])
  assert.is(rest.nextCursor, null)
  left(await f.tp.audit.forTask(await f.human('eve'), t.task.id, {}), 'NotFound')
  left(await f.tp.audit.forTask(alice, t.task.id, { limit: 0 }), 'ValidationFailed')
})

test('project history: newest first, filtered by actor, action and entity type', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const mia = await f.human('mia')
  const pid = await f.project(alice, 'web-app', [[mia, 'member']])
  const t = right(await f.tp.tasks.create(mia, pid, { title: 'x', assigneeId: mia.worker.id }))
  right(await f.tp.tasks.changeStatus(mia, t.task.id, { status: 'in_progress' }))
  const all = right(await f.tp.audit.forProject(mia, pid, {}, {})).items
  assert.equal(all.map((e) => e.action), ['status_changed', 'created', 'member_added', 'created'])
  assert.equal(all.map((e) => e.entityType), ['task', 'task', 'member', 'project'])
  const byMia = right(await f.tp.audit.forProject(alice, pid, { actorId: String(mia.worker.id) }, {})).items
  assert.equal(byMia.map((e) => e.action), ['status_changed', 'created'])
  assert.equal(right(await f.tp.audit.forProject(alice, pid, { action: 'created' }, {})).items.map((e) => e.entityType), ['task', 'project'])
  assert.equal(right(await f.tp.audit.forProject(alice, pid, { entityType: 'member' }, {})).items.map((e) => e.action), ['member_added'])
  const page = right(await f.tp.audit.forProject(alice, pid, {}, { limit: 3 }))
  const next = right(await f.tp.audit.forProject(alice, pid, {}, { limit: 3, cursor: page.nextCursor ?? '' }))
  assert.equal([...page.items, ...next.items].map((e) => e.id), all.map((e) => e.id))
  left(await f.tp.audit.forProject(await f.human('eve'), pid, {}, {}), 'NotFound')
  left(await f.tp.audit.forProject(alice, pid, {}, { cursor: 'nope' }), 'ValidationFailed')
})

test('actor history: across the caller projects only; platform admins see all; default is the caller', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const bob = await f.human('bob')
  const shared = await f.project(alice, 'shared', [[bob, 'member']])
  await f.project(alice, 'private')
  const seenByBob = right(await f.tp.audit.byActor(bob, String(alice.worker.id), {})).items
  assert.ok(seenByBob.length > 0)
  assert.ok(seenByBob.every((e) => e.projectId === shared))
  const own = right(await f.tp.audit.byActor(alice, undefined, {})).items
  assert.ok(own.some((e) => e.projectId !== shared))
  assert.ok(own.every((e) => e.actor.id === alice.worker.id))
  assert.ok(own[0] && own[1] && own[0].id > own[1].id)
  const root = await f.human('root', { platformAdmin: true })
  assert.is(right(await f.tp.audit.byActor(root, String(alice.worker.id), { limit: 200 })).items.length, own.length)
  left(await f.tp.audit.byActor(alice, undefined, { limit: -1 }), 'ValidationFailed')
})

test.run()
