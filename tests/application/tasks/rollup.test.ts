import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fixture, right } from '../../support/app-fixture.js'

const rollupOf = async (f: Awaited<ReturnType<typeof setup>>['f'], alice: Awaited<ReturnType<typeof setup>>['alice'], id: number) =>
  right(await f.tp.tasks.get(alice, id)).task.rollupProgressPercent

const setup = async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const pid = await f.project(alice, 'web-app')
  const root = right(await f.tp.tasks.create(alice, pid, { title: 'root' }))
  const mid = right(await f.tp.tasks.createSubtask(alice, root.task.id, { title: 'mid' }))
  const leafA = right(await f.tp.tasks.createSubtask(alice, mid.task.id, { title: 'leaf a' }))
  const leafB = right(await f.tp.tasks.createSubtask(alice, mid.task.id, { title: 'leaf b' }))
  return { f, alice, pid, root: root.task.id, mid: mid.task.id, a: leafA.task.id, b: leafB.task.id }
}

test('progress of a leaf rolls up through every ancestor', async () => {
  const { f, alice, root, mid, a } = await setup()
  right(await f.tp.tasks.changeStatus(alice, a, { status: 'in_progress' }))
  right(await f.tp.tasks.reportProgress(alice, a, { percent: 50 }))
  assert.is(await rollupOf(f, alice, a), 50)
  assert.is(await rollupOf(f, alice, mid), 25)
  assert.is(await rollupOf(f, alice, root), 25)
})

test('a completed subtask counts 100; a cancelled one is left out', async () => {
  const { f, alice, root, mid, a, b } = await setup()
  right(await f.tp.tasks.changeStatus(alice, a, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(alice, a, { status: 'completed' }))
  assert.is(await rollupOf(f, alice, mid), 50)
  right(await f.tp.tasks.changeStatus(alice, b, { status: 'cancelled' }))
  assert.is(await rollupOf(f, alice, mid), 100)
  assert.is(await rollupOf(f, alice, root), 100)
  const midTask = right(await f.tp.tasks.get(alice, mid)).task
  assert.is(midTask.version, 1) // a derived value: no version bump on the parent
})

test('moving, adding and deleting subtasks recompute the old and the new parents', async () => {
  const { f, alice, pid, root, mid, a, b } = await setup()
  right(await f.tp.tasks.changeStatus(alice, a, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(alice, a, { status: 'completed' }))
  assert.is(await rollupOf(f, alice, mid), 50)
  const other = right(await f.tp.tasks.create(alice, pid, { title: 'other' }))
  right(await f.tp.tasks.update(alice, a, { parentTaskId: other.task.id }))
  assert.is(await rollupOf(f, alice, mid), 0)
  assert.is(await rollupOf(f, alice, other.task.id), 100)
  right(await f.tp.tasks.createSubtask(alice, other.task.id, { title: 'new' }))
  assert.is(await rollupOf(f, alice, other.task.id), 50)
  right(await f.tp.tasks.delete(alice, b, false))
  assert.is(await rollupOf(f, alice, mid), 0) // no subtasks left: its own progress
  assert.is(await rollupOf(f, alice, root), 0)
})

test('rollup stays when nothing below changes (approve keeps ancestors coherent)', async () => {
  const { f, alice, mid, a, b } = await setup()
  for (const id of [a, b]) {
    right(await f.tp.tasks.changeStatus(alice, id, { status: 'in_progress' }))
    right(await f.tp.tasks.changeStatus(alice, id, { status: 'review' }))
    right(await f.tp.tasks.approve(alice, id))
  }
  assert.is(await rollupOf(f, alice, mid), 100)
  right(await f.tp.tasks.reject(alice, a, 'x').then(() => f.tp.tasks.changeStatus(alice, a, { status: 'in_progress' })))
  assert.is(await rollupOf(f, alice, mid), 100)
})

test.run()
