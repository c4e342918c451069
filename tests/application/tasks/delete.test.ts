// Deleting tasks: refused over subtasks unless forced, subtrees in one audit entry, rollups, permissions, numbers not reused.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { left, right } from '../../support/app-fixture.js'
import { committed, setup } from './task-fixture.js'

test('delete: refused while subtasks exist, and nothing is deleted', async () => {
  const { f, alice, pid } = await setup()
  const a = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  const b = right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'b' }))
  right(await f.tp.tasks.createSubtask(alice, b.task.id, { title: 'c' }))
  right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'b2' }))
  const before = committed(f)
  left(await f.tp.tasks.delete(alice, a.task.id, false), 'TaskHasSubtasks', 'Task has 3 subtasks. Delete subtasks first or use force=true')
  left(await f.tp.tasks.delete(alice, b.task.id, false), 'TaskHasSubtasks', 'Task has 1 subtasks. Delete subtasks first or use force=true')
  const after = committed(f)
  assert.is(after.tasks.size, 4)
  assert.is(after.audit.length, before.audit.length)
})

test('delete: force removes the whole subtree and nothing else, in one audit entry', async () => {
  const { f, alice, pid } = await setup()
  const root = right(await f.tp.tasks.create(alice, pid, { title: 'root' }))
  const a = right(await f.tp.tasks.createSubtask(alice, root.task.id, { title: 'a' }))
  const b = right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'b' }))
  const c = right(await f.tp.tasks.createSubtask(alice, b.task.id, { title: 'c' }))
  const sibling = right(await f.tp.tasks.createSubtask(alice, root.task.id, { title: 'sibling' }))
  const auditBefore = committed(f).audit.length
  right(await f.tp.tasks.delete(alice, a.task.id, true))
  for (const gone of [a, b, c]) left(await f.tp.tasks.get(alice, gone.task.id), 'NotFound')
  const stored = committed(f)
  assert.equal([...stored.tasks.keys()].sort((x, y) => x - y), [root.task.id, sibling.task.id])
  const entries = stored.audit.slice(auditBefore)
  assert.is(entries.length, 1)
  assert.equal([entries[0]?.action, entries[0]?.entityId], ['deleted', String(a.task.id)])
  assert.equal(entries[0]?.details.deleted_subtask_ids, [b.task.id, c.task.id])
  assert.is(entries[0]?.details.before?.title, 'a')
  assert.equal(right(await f.tp.tasks.get(alice, root.task.id)).subtasks.map((s) => s.task.id), [sibling.task.id])
})

test('delete: a leaf without force; its parent rollup is recomputed', async () => {
  const { f, alice, pid } = await setup()
  const parent = right(await f.tp.tasks.create(alice, pid, { title: 'parent' }))
  const done = right(await f.tp.tasks.createSubtask(alice, parent.task.id, { title: 'done' }))
  const open = right(await f.tp.tasks.createSubtask(alice, parent.task.id, { title: 'open' }))
  right(await f.tp.tasks.changeStatus(alice, done.task.id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(alice, done.task.id, { status: 'completed' }))
  assert.is(committed(f).tasks.get(parent.task.id)?.rollupProgressPercent, 50)
  right(await f.tp.tasks.delete(alice, open.task.id, false))
  assert.is(committed(f).tasks.get(parent.task.id)?.rollupProgressPercent, 100)
})

test('delete: same permissions as update; non-members get not found', async () => {
  const { f, alice, adam, mia, max, vic, eve, pid } = await setup()
  const mine = right(await f.tp.tasks.create(alice, pid, { title: 'mine', assigneeId: mia.worker.id }))
  const hers = right(await f.tp.tasks.create(alice, pid, { title: 'hers', assigneeId: max.worker.id }))
  left(await f.tp.tasks.delete(mia, hers.task.id, false), 'Forbidden', 'Members can only modify tasks assigned to them')
  left(await f.tp.tasks.delete(vic, mine.task.id, false), 'Forbidden', 'Viewers cannot modify tasks')
  left(await f.tp.tasks.delete(eve, mine.task.id, false), 'NotFound', `Task with ID ${mine.task.id} not found`)
  left(await f.tp.tasks.delete(alice, 999_999, false), 'NotFound')
  assert.is(committed(f).tasks.size, 2)
  right(await f.tp.tasks.delete(mia, mine.task.id, false))
  right(await f.tp.tasks.delete(adam, hers.task.id, false))
  assert.is(committed(f).tasks.size, 0)
})

test('task numbers never repeat after a delete', async () => {
  const { f, alice, pid } = await setup()
  const a = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  right(await f.tp.tasks.delete(alice, a.task.id, false))
  assert.is(right(await f.tp.tasks.create(alice, pid, { title: 'b' })).task.number, 2)
})

test.run()
