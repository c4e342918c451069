// Updating tasks: permissions, If-Match, one version and one audit entry per change, no-ops, validation, reparenting.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Priority } from '../../../src/domain/index.js'
import { left, right } from '../../support/app-fixture.js'
import { committed, paths, setup } from './task-fixture.js'

test('update: a member modifies only tasks assigned to them; admins and owners any; viewers none', async () => {
  const { f, alice, adam, mia, max, vic, eve, pid } = await setup()
  const mine = right(await f.tp.tasks.create(alice, pid, { title: 'mine', assigneeId: mia.worker.id }))
  const hers = right(await f.tp.tasks.create(alice, pid, { title: 'hers', assigneeId: max.worker.id }))
  const nobody = right(await f.tp.tasks.create(mia, pid, { title: 'nobody' }))
  assert.is(right(await f.tp.tasks.update(mia, mine.task.id, { title: 'mine!' })).task.title, 'mine!')
  left(await f.tp.tasks.update(mia, hers.task.id, { title: 'x' }), 'Forbidden', 'Members can only modify tasks assigned to them')
  // Creating a task does not make it the creator's.
  left(await f.tp.tasks.update(mia, nobody.task.id, { title: 'x' }), 'Forbidden', 'Members can only modify tasks assigned to them')
  left(await f.tp.tasks.update(vic, mine.task.id, { title: 'x' }), 'Forbidden', 'Viewers cannot modify tasks')
  left(await f.tp.tasks.update(eve, mine.task.id, { title: 'x' }), 'NotFound', `Task with ID ${mine.task.id} not found`)
  assert.is(right(await f.tp.tasks.update(adam, hers.task.id, { title: 'by admin' })).task.title, 'by admin')
  assert.is(right(await f.tp.tasks.update(alice, nobody.task.id, { title: 'by owner' })).task.title, 'by owner')
  const stored = committed(f).tasks
  assert.equal([stored.get(hers.task.id)?.title, stored.get(nobody.task.id)?.title], ['by admin', 'by owner'])
  left(await f.tp.tasks.update(alice, 999_999, { title: 'x' }), 'NotFound')
})

test('update: If-Match with a stale version is refused and changes nothing', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  right(await f.tp.tasks.update(alice, t.task.id, { title: 'b', expectedVersion: 1 }))
  left(await f.tp.tasks.update(alice, t.task.id, { title: 'c', expectedVersion: 1 }), 'VersionMismatch',
    'Version mismatch: If-Match expected version 1, the task is at version 2')
  const stored = committed(f).tasks.get(t.task.id)
  assert.equal([stored?.title, stored?.version], ['b', 2])
  assert.is(right(await f.tp.tasks.update(alice, t.task.id, { title: 'c', expectedVersion: 2 })).task.version, 3)
})

test('update: several fields in one request are one change: version +1, one audit entry of only the changed fields', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'a', description: 'd', storyPoints: 3 }))
  const auditBefore = committed(f).audit.length
  f.clock.advance(60_000)
  const next = right(await f.tp.tasks.update(alice, t.task.id, {
    title: 'b', priority: 'urgent', tags: ['x'], description: null, dueDate: '2027-01-31', storyPoints: 3,
  }))
  assert.is(next.task.version, 2)
  assert.equal(next.task.updatedAt, f.clock.now())
  assert.equal(next.task.createdAt, t.task.createdAt)
  assert.equal(committed(f).tasks.get(t.task.id), next.task)
  const entries = committed(f).audit.slice(auditBefore)
  assert.is(entries.length, 1)
  assert.is(entries[0]?.action, 'updated')
  assert.equal(entries[0]?.details, {
    before: { title: 'a', description: 'd', priority: 'medium', tags: [], due_date: null },
    after: { title: 'b', description: null, priority: 'urgent', tags: ['x'], due_date: '2027-01-31' },
  })
  const second = right(await f.tp.tasks.update(alice, t.task.id, { storyPoints: 5 }))
  assert.is(second.task.version, 3)
  // Fields and a new parent together: still one change.
  const parent = right(await f.tp.tasks.create(alice, pid, { title: 'parent' }))
  const both = right(await f.tp.tasks.update(alice, t.task.id, { title: 'c', parentTaskId: parent.task.id, expectedVersion: 3 }))
  assert.equal([both.task.version, both.task.parentTaskId], [4, parent.task.id])
  assert.is(committed(f).tasks.get(t.task.id)?.version, 4)
  const last = committed(f).audit.at(-1)
  assert.equal(last?.details, { before: { title: 'b', parent_task_id: null }, after: { title: 'c', parent_task_id: parent.task.id } })
  assert.is(right(await f.tp.tasks.update(alice, t.task.id, { title: 'd', expectedVersion: 4 })).task.version, 5)
})

test('update: a request that changes nothing writes nothing (no version, no audit, no timestamp)', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'a', tags: ['x', 'y'], priority: 'high' }))
  const before = committed(f)
  f.clock.advance(60_000)
  for (const command of [{}, { title: 'a' }, { tags: ['x', 'y'], priority: 'high' as const }, { tags: ['x', 'x', 'y'] }, { parentTaskId: null }]) {
    const same = right(await f.tp.tasks.update(alice, t.task.id, command))
    assert.is(same.task.version, 1)
    assert.equal(same.task.updatedAt, t.task.updatedAt)
  }
  const after = committed(f)
  assert.is(after.audit.length, before.audit.length)
  assert.equal(after.tasks.get(t.task.id), before.tasks.get(t.task.id))
})

test('update: bad fields are validation errors with paths, and nothing is written', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  const error = left(await f.tp.tasks.update(alice, t.task.id, { title: ' ', storyPoints: -1, dueDate: 'tomorrow', tags: [''] }), 'ValidationFailed')
  assert.equal([...paths(error)].sort(), ['due_date', 'story_points', 'tags.0', 'title'])
  left(await f.tp.tasks.update(alice, t.task.id, { priority: 'asap' as Priority }), 'ValidationFailed', 'priority: must be one of low, medium, high, urgent')
  const stored = committed(f).tasks.get(t.task.id)
  assert.equal([stored?.title, stored?.version], ['a', 1])
})

test('update: reparenting refuses cycles (self, child, deep descendant) and other projects; moves; back to top level', async () => {
  const { f, alice, pid } = await setup()
  const a = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  const b = right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'b' }))
  const c = right(await f.tp.tasks.createSubtask(alice, b.task.id, { title: 'c' }))
  const d = right(await f.tp.tasks.createSubtask(alice, c.task.id, { title: 'd' }))
  const e = right(await f.tp.tasks.create(alice, pid, { title: 'e' }))
  left(await f.tp.tasks.update(alice, a.task.id, { parentTaskId: a.task.id }), 'CircularReference', 'Circular reference detected')
  left(await f.tp.tasks.update(alice, a.task.id, { parentTaskId: b.task.id }), 'CircularReference', 'Circular reference detected')
  left(await f.tp.tasks.update(alice, a.task.id, { parentTaskId: d.task.id }), 'CircularReference', 'Circular reference detected')
  left(await f.tp.tasks.update(alice, b.task.id, { parentTaskId: d.task.id }), 'CircularReference', 'Circular reference detected')
  const other = await f.project(alice, 'other-app')
  const foreign = right(await f.tp.tasks.create(alice, other, { title: 'foreign' }))
  left(await f.tp.tasks.update(alice, e.task.id, { parentTaskId: foreign.task.id }), 'ParentInOtherProject', 'Parent task must be in the same project')
  left(await f.tp.tasks.update(alice, e.task.id, { parentTaskId: 5555 }), 'ValidationFailed', 'parent_task_id: task 5555 does not exist')
  // None of the refusals changed anything.
  const stored = committed(f).tasks
  assert.equal([a, b, c, d, e].map((t) => [stored.get(t.task.id)?.parentTaskId, stored.get(t.task.id)?.version]),
    [[null, 1], [a.task.id, 1], [b.task.id, 1], [c.task.id, 1], [null, 1]])
  // A legal move: c (with d below it) goes under e.
  const moved = right(await f.tp.tasks.update(alice, c.task.id, { parentTaskId: e.task.id }))
  assert.equal([moved.task.parentTaskId, moved.task.version], [e.task.id, 2])
  // Now a is no longer above c: c's subtree may take a as parent, and a may go below d.
  right(await f.tp.tasks.update(alice, a.task.id, { parentTaskId: d.task.id }))
  assert.equal(right(await f.tp.tasks.get(alice, d.task.id)).subtasks.map((s) => s.task.id), [a.task.id])
  const top = right(await f.tp.tasks.update(alice, c.task.id, { parentTaskId: null }))
  assert.equal([top.task.parentTaskId, top.task.version], [null, 3])
  const audit = right(await f.tp.audit.forTask(alice, c.task.id, {})).items.filter((x) => x.action === 'updated')
  assert.equal(audit.map((x) => x.details), [
    { before: { parent_task_id: b.task.id }, after: { parent_task_id: e.task.id } },
    { before: { parent_task_id: e.task.id }, after: { parent_task_id: null } },
  ])
})

test('update: an agent member edits the task assigned to it', async () => {
  const { f, alice, bot, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'for the bot', assigneeId: bot.worker.id }))
  const other = right(await f.tp.tasks.create(alice, pid, { title: 'not for the bot' }))
  right(await f.tp.tasks.update(bot, t.task.id, { description: 'on it' }))
  left(await f.tp.tasks.update(bot, other.task.id, { description: 'x' }), 'Forbidden')
  const entry = committed(f).audit.at(-1)
  assert.equal(entry?.actor, { type: 'agent', id: bot.worker.id })
})

test.run()
