// Rollup progress through the use cases: a parent's stored rollup is the rounded mean of its non-cancelled
// children's rollups (a completed child counts 100), kept true up the whole chain after every kind of change.
import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Caller } from '../../../src/application/index.js'
import type { Task } from '../../../src/domain/index.js'
import { fixture, left, right, type Fixture } from '../../support/app-fixture.js'

const setup = async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const pid = await f.project(alice, 'web-app')
  const create = async (title: string, parent?: number): Promise<number> =>
    right(parent === undefined
      ? await f.tp.tasks.create(alice, pid, { title })
      : await f.tp.tasks.createSubtask(alice, parent, { title })).task.id
  return { f, alice, pid, create }
}

/** The rollup as stored (not as some view computes it). */
const rollup = (f: Fixture, id: number): number | undefined => f.adapters.db.snapshot().tasks.get(id)?.rollupProgressPercent

const work = async (f: Fixture, caller: Caller, id: number, percent: number) => {
  right(await f.tp.tasks.changeStatus(caller, id, { status: 'in_progress' }))
  if (percent > 0) right(await f.tp.tasks.reportProgress(caller, id, { percent }))
}

const complete = async (f: Fixture, caller: Caller, id: number) => {
  const status = f.adapters.db.snapshot().tasks.get(id)?.status
  if (status !== 'in_progress') right(await f.tp.tasks.changeStatus(caller, id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(caller, id, { status: 'completed' }))
}

test('without subtasks the rollup is the task\'s own progress', async () => {
  const { f, alice, create } = await setup()
  const t = await create('leaf')
  assert.is(rollup(f, t), 0)
  await work(f, alice, t, 37)
  assert.is(rollup(f, t), 37)
  const view = right(await f.tp.tasks.get(alice, t))
  assert.equal([view.task.progressPercent, view.task.rollupProgressPercent], [37, 37])
})

test('the parent rollup is the rounded mean of its children', async () => {
  const { f, alice, create } = await setup()
  const parent = await create('parent')
  await work(f, alice, parent, 90) // the parent's own progress no longer counts once it has subtasks
  const [a, b, c] = [await create('a', parent), await create('b', parent), await create('c', parent)]
  assert.is(rollup(f, parent), 0)
  await work(f, alice, a, 10)
  assert.is(rollup(f, parent), 3) // 10/3 = 3.33
  await work(f, alice, b, 20)
  assert.is(rollup(f, parent), 10) // 30/3
  await work(f, alice, c, 25)
  assert.is(rollup(f, parent), 18) // 55/3 = 18.33
  right(await f.tp.tasks.reportProgress(alice, c, { percent: 26 }))
  assert.is(rollup(f, parent), 19) // 56/3 = 18.67
  assert.is(f.adapters.db.snapshot().tasks.get(parent)?.progressPercent, 90)
})

test('halves round up', async () => {
  const { f, alice, create } = await setup()
  const parent = await create('parent')
  const [a, b] = [await create('a', parent), await create('b', parent)]
  await work(f, alice, a, 1)
  assert.is(rollup(f, parent), 1) // 0.5
  await work(f, alice, b, 2)
  assert.is(rollup(f, parent), 2) // 1.5
})

test('a completed child counts 100, even when its own subtasks are behind', async () => {
  const { f, alice, create } = await setup()
  const root = await create('root')
  const done = await create('done', root)
  const other = await create('other', root)
  const lagging = await create('lagging', done)
  await work(f, alice, lagging, 20)
  assert.equal([rollup(f, done), rollup(f, root)], [20, 10])
  await complete(f, alice, done)
  // done's rollup is still the mean of its child (20), but for root it counts as 100.
  assert.equal([rollup(f, done), rollup(f, root)], [20, 50])
  assert.is(f.adapters.db.snapshot().tasks.get(root)?.version, 1) // a derived value: no version bump on the parent
  await work(f, alice, other, 40)
  assert.is(rollup(f, root), 70)
  right(await f.tp.tasks.changeStatus(alice, done, { status: 'in_progress' }))
  assert.is(rollup(f, root), 30) // (20 + 40) / 2
})

test('cancelled children are left out; with only cancelled children the task\'s own progress counts', async () => {
  const { f, alice, create } = await setup()
  const parent = await create('parent')
  await work(f, alice, parent, 30)
  const [a, b] = [await create('a', parent), await create('b', parent)]
  await work(f, alice, a, 80)
  assert.is(rollup(f, parent), 40)
  const parentVersion = f.adapters.db.snapshot().tasks.get(parent)?.version
  right(await f.tp.tasks.changeStatus(alice, b, { status: 'cancelled' }))
  assert.is(rollup(f, parent), 80)
  assert.is(f.adapters.db.snapshot().tasks.get(parent)?.version, parentVersion)
  right(await f.tp.tasks.changeStatus(alice, a, { status: 'blocked' }))
  right(await f.tp.tasks.changeStatus(alice, a, { status: 'cancelled' }))
  assert.is(rollup(f, parent), 30)
  right(await f.tp.tasks.changeStatus(alice, b, { status: 'pending' }))
  assert.is(rollup(f, parent), 0)
})

test('a change deep down propagates to every ancestor', async () => {
  const { f, alice, create } = await setup()
  const root = await create('root')
  const l1 = await create('l1', root)
  const l1b = await create('l1b', root)
  const l2 = await create('l2', l1)
  const l3 = await create('l3', l2)
  const l3b = await create('l3b', l2)
  await work(f, alice, l3, 60)
  assert.equal([l3, l2, l1, root].map((id) => rollup(f, id)), [60, 30, 30, 15])
  // The task as a client reads it carries the same rollup, at every level.
  for (const id of [l3, l2, l1, root]) assert.is(right(await f.tp.tasks.get(alice, id)).task.rollupProgressPercent, rollup(f, id))
  await complete(f, alice, l3b)
  assert.equal([l3b, l2, l1, root].map((id) => rollup(f, id)), [100, 80, 80, 40])
  await work(f, alice, l1b, 20)
  assert.is(rollup(f, root), 50)
  // Only the rollup moved: no version bump and no audit entry on the ancestors.
  const tables = f.adapters.db.snapshot()
  for (const id of [l2, l1, root]) {
    assert.is(tables.tasks.get(id)?.version, 1)
    assert.is(tables.audit.filter((e) => e.entityType === 'task' && e.entityId === String(id)).length, 1)
  }
})

test('a status change of a middle task reaches the grandparent even though its own rollup does not move', async () => {
  const { f, alice, create } = await setup()
  const root = await create('root')
  const mid = await create('mid', root)
  const side = await create('side', root)
  const leaf = await create('leaf', mid)
  await work(f, alice, leaf, 50)
  await work(f, alice, side, 10)
  assert.equal([rollup(f, mid), rollup(f, root)], [50, 30])
  right(await f.tp.tasks.changeStatus(alice, mid, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(alice, mid, { status: 'blocked' }))
  right(await f.tp.tasks.changeStatus(alice, mid, { status: 'cancelled' }))
  assert.equal([rollup(f, mid), rollup(f, root)], [50, 10])
  right(await f.tp.tasks.changeStatus(alice, mid, { status: 'pending' }))
  assert.is(rollup(f, root), 30)
  await complete(f, alice, mid)
  assert.equal([rollup(f, mid), rollup(f, root)], [50, 55])
})

test('approve and reject move the rollup like status changes; the rollup stays when nothing below changes', async () => {
  const { f, alice, create } = await setup()
  const parent = await create('parent')
  const [a, b] = [await create('a', parent), await create('b', parent)]
  await work(f, alice, a, 40)
  right(await f.tp.tasks.changeStatus(alice, a, { status: 'review' }))
  assert.is(rollup(f, parent), 20)
  right(await f.tp.tasks.approve(alice, a))
  assert.is(rollup(f, parent), 50)
  await work(f, alice, b, 60)
  right(await f.tp.tasks.changeStatus(alice, b, { status: 'review' }))
  right(await f.tp.tasks.reportProgress(alice, b, { percent: 70 }))
  assert.is(rollup(f, parent), 85)
  right(await f.tp.tasks.reject(alice, b, 'not yet'))
  assert.is(rollup(f, parent), 85)
  right(await f.tp.tasks.changeStatus(alice, b, { status: 'review' }))
  right(await f.tp.tasks.approve(alice, b))
  assert.is(rollup(f, parent), 100)
  // A refused reject of a completed child moves nothing; reopening it keeps its 100 %, so the rollup stays.
  left(await f.tp.tasks.reject(alice, a, 'x'), 'InvalidTransition')
  right(await f.tp.tasks.changeStatus(alice, a, { status: 'in_progress' }))
  assert.is(rollup(f, parent), 100)
})

test('a new subtask, a deleted subtask and a force-deleted subtree recompute the ancestors', async () => {
  const { f, alice, create } = await setup()
  const root = await create('root')
  const mid = await create('mid', root)
  const done = await create('done', mid)
  await complete(f, alice, done)
  assert.equal([rollup(f, mid), rollup(f, root)], [100, 100])
  const fresh = await create('fresh', mid)
  assert.equal([rollup(f, mid), rollup(f, root)], [50, 50])
  const branch = await create('branch', mid)
  const twig = await create('twig', branch)
  await complete(f, alice, twig)
  assert.equal([rollup(f, branch), rollup(f, mid), rollup(f, root)], [100, 67, 67])
  right(await f.tp.tasks.delete(alice, fresh, false))
  assert.equal([rollup(f, mid), rollup(f, root)], [100, 100])
  right(await f.tp.tasks.delete(alice, done, false))
  assert.equal([rollup(f, mid), rollup(f, root)], [100, 100])
  right(await f.tp.tasks.delete(alice, branch, true))
  // mid has no subtasks left: its own progress, 0.
  assert.equal([rollup(f, mid), rollup(f, root)], [0, 0])
})

test('reparenting recomputes the old and the new chain, at every level', async () => {
  const { f, alice, create } = await setup()
  const oldRoot = await create('old root')
  const oldMid = await create('old mid', oldRoot)
  const stays = await create('stays', oldMid)
  const moving = await create('moving', oldMid)
  const newRoot = await create('new root')
  const newMid = await create('new mid', newRoot)
  const there = await create('there', newMid)
  await complete(f, alice, moving)
  await work(f, alice, there, 20)
  assert.equal([oldMid, oldRoot, newMid, newRoot].map((id) => rollup(f, id)), [50, 50, 20, 20])
  right(await f.tp.tasks.update(alice, moving, { parentTaskId: newMid }))
  assert.equal([oldMid, oldRoot, newMid, newRoot].map((id) => rollup(f, id)), [0, 0, 60, 60])
  // To the top level: the new chain loses it again.
  right(await f.tp.tasks.update(alice, moving, { parentTaskId: null }))
  assert.equal([newMid, newRoot, moving].map((id) => rollup(f, id)), [20, 20, 100])
  // Moving a whole subtree (stays's parent oldMid with it) under newRoot.
  await work(f, alice, stays, 90)
  right(await f.tp.tasks.update(alice, oldMid, { parentTaskId: newRoot }))
  assert.equal([oldRoot, newRoot].map((id) => rollup(f, id)), [0, 55])
})

// ---------------------------------------------------------------------------------------------- property

type Op =
  | { readonly kind: 'add'; readonly parent: number }
  | { readonly kind: 'move'; readonly task: number; readonly parent: number | null }
  | { readonly kind: 'delete'; readonly task: number; readonly force: boolean }
  | { readonly kind: 'start' | 'complete' | 'cancel' | 'reopen'; readonly task: number }
  | { readonly kind: 'progress'; readonly task: number; readonly percent: number }

const pick = fc.nat({ max: 30 })
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), parent: pick }),
  fc.record({ kind: fc.constant('add' as const), parent: pick }),
  fc.record({ kind: fc.constant('move' as const), task: pick, parent: fc.option(pick, { nil: null }) }),
  fc.record({ kind: fc.constant('delete' as const), task: pick, force: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('start' as const, 'complete' as const, 'cancel' as const, 'reopen' as const), task: pick }),
  fc.record({ kind: fc.constant('progress' as const), task: pick, percent: fc.integer({ min: 0, max: 100 }) }),
)

const expectedRollup = (task: Task, all: readonly Task[]): number => {
  const counted = all.filter((c) => c.parentTaskId === task.id && c.status !== 'cancelled')
  if (counted.length === 0) return task.progressPercent
  return Math.round(counted.reduce((sum, c) => sum + (c.status === 'completed' ? 100 : c.rollupProgressPercent), 0) / counted.length)
}

test('property: after any sequence of tree and workflow changes every stored rollup is true, in 0..100, and there is no cycle', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
      const { f, alice, create } = await setup()
      const ids = [await create('t0')]
      const at = (i: number): number => ids[i % ids.length] ?? 0
      for (const op of ops) {
        switch (op.kind) {
          case 'add': {
            const result = await f.tp.tasks.createSubtask(alice, at(op.parent), { title: `t${ids.length}` })
            if (result._tag === 'Right') ids.push(result.right.task.id)
            break
          }
          case 'move': {
            const result = await f.tp.tasks.update(alice, at(op.task), { parentTaskId: op.parent === null ? null : at(op.parent) })
            if (result._tag === 'Left') assert.ok(['CircularReference', 'NotFound', 'ValidationFailed'].includes(result.left._tag), result.left._tag)
            break
          }
          case 'delete':
            await f.tp.tasks.delete(alice, at(op.task), op.force)
            break
          case 'start':
            await f.tp.tasks.changeStatus(alice, at(op.task), { status: 'in_progress' })
            break
          case 'complete':
            await f.tp.tasks.changeStatus(alice, at(op.task), { status: 'completed' })
            break
          case 'cancel':
            await f.tp.tasks.changeStatus(alice, at(op.task), { status: 'cancelled' })
            break
          case 'reopen':
            await f.tp.tasks.changeStatus(alice, at(op.task), { status: 'pending' })
            break
          case 'progress':
            await f.tp.tasks.reportProgress(alice, at(op.task), { percent: op.percent })
            break
        }
      }
      const all = [...f.adapters.db.snapshot().tasks.values()]
      const byId = new Map(all.map((t) => [t.id, t]))
      for (const task of all) {
        assert.ok(task.rollupProgressPercent >= 0 && task.rollupProgressPercent <= 100)
        assert.is(task.rollupProgressPercent, expectedRollup(task, all), `rollup of ${task.title}`)
        // The parent chain ends at a top-level task, within the number of tasks.
        let parent = task.parentTaskId
        for (let steps = 0; parent !== null; steps += 1) {
          assert.ok(steps <= all.length, `cycle above ${task.title}`)
          const next = byId.get(parent)
          assert.ok(next, `${task.title} points to a missing parent`)
          parent = next.parentTaskId
        }
      }
    }),
    { numRuns: 80 },
  )
})

test.run()
