// Inbound task-sync: parents by external id of the same source, kept pending until they arrive, and never a cycle.
import * as fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { right } from '../../support/app-fixture.js'
import { auditOf, content, db, linkOf, setup, taskOf } from './sync-fixture.js'

test('parent: a known parent of the same source makes the task its subtask, and its rollup follows', async () => {
  const { f, push } = await setup()
  const parent = right(await push({ externalId: 'P-1' }))
  const child = right(await push({ externalId: 'C-1', parentExternalId: 'P-1', status: 'done' }))
  assert.equal(child.warnings, [])
  assert.is(taskOf(f, child.taskId).parentTaskId, parent.taskId)
  assert.is(linkOf(f, 'C-1')?.pendingParentExternalId, null)
  assert.is(taskOf(f, parent.taskId).rollupProgressPercent, 100)
  // null: top-level again, and the old parent's rollup falls back to its own progress.
  right(await push({ externalId: 'C-1', parentExternalId: null }))
  assert.is(taskOf(f, child.taskId).parentTaskId, null)
  assert.is(taskOf(f, parent.taskId).rollupProgressPercent, 0)
})

test('parent: an unknown parent leaves the task flat with a warning; it is attached when the parent arrives, audited', async () => {
  const { f, token, push } = await setup()
  const early = right(await push({ externalId: 'C-2', parentExternalId: 'P-2', status: 'done' }))
  assert.equal(early.warnings, ['parent P-2 not found; the task stays top-level until the parent arrives'])
  assert.is(taskOf(f, early.taskId).parentTaskId, null)
  assert.is(linkOf(f, 'C-2')?.pendingParentExternalId, 'P-2')

  const late = right(await push({ externalId: 'P-2' }))
  assert.equal(late.warnings, [])
  const child = taskOf(f, early.taskId)
  assert.equal([child.parentTaskId, child.version], [late.taskId, 2])
  assert.is(linkOf(f, 'C-2')?.pendingParentExternalId, null)
  const entry = auditOf(f, early.taskId).at(-1)
  assert.equal([entry?.action, entry?.actor], ['synced', { type: 'api_token', id: token.id }])
  assert.equal([entry?.details.before, entry?.details.after], [{ parent_task_id: null }, { parent_task_id: late.taskId }])
  assert.is(taskOf(f, late.taskId).rollupProgressPercent, 100)
})

test('parent: several children waiting for the same parent are all attached', async () => {
  const { f, push } = await setup()
  const kids = [right(await push({ externalId: 'K-1', parentExternalId: 'P' })), right(await push({ externalId: 'K-2', parentExternalId: 'P', status: 'done' }))]
  const parent = right(await push({ externalId: 'P' }))
  assert.equal(kids.map((k) => taskOf(f, k.taskId).parentTaskId), [parent.taskId, parent.taskId])
  assert.is(taskOf(f, parent.taskId).rollupProgressPercent, 50)
})

test('parent: only a parent of the same source matches', async () => {
  const { f, pid, raw } = await setup()
  right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'linear', externalId: 'P-9', name: 'linear parent' } }))
  const child = right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'C-9', name: 'c', parentExternalId: 'P-9' } }))
  assert.is(taskOf(f, child.taskId).parentTaskId, null)
  assert.equal(child.warnings, ['parent P-9 not found; the task stays top-level until the parent arrives'])
  // A parent of another source arriving later does not adopt the waiting child either.
  right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'github', externalId: 'P-9', name: 'github parent' } }))
  assert.is(taskOf(f, child.taskId).parentTaskId, null)
  const jiraParent = right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'P-9', name: 'jira parent' } }))
  assert.is(taskOf(f, child.taskId).parentTaskId, jiraParent.taskId)
})

test('parent: never a cycle — A under B, then B pushed under A is refused with a warning', async () => {
  const { f, push } = await setup()
  const b = right(await push({ externalId: 'B' }))
  const a = right(await push({ externalId: 'A', parentExternalId: 'B' }))
  const before = content(f)
  const r = right(await push({ externalId: 'B', parentExternalId: 'A' }))
  assert.equal(r.warnings, ['parent A not attached: Circular reference detected'])
  assert.is(taskOf(f, b.taskId).parentTaskId, null)
  assert.is(taskOf(f, a.taskId).parentTaskId, b.taskId)
  assert.equal(content(f), before)
})

test('parent: never a cycle — a task naming itself as parent, on create or update', async () => {
  const { f, push } = await setup()
  const self = right(await push({ externalId: 'S', parentExternalId: 'S' }))
  assert.ok(self.warnings.includes('parent S not attached: Circular reference detected'))
  assert.is(taskOf(f, self.taskId).parentTaskId, null)
  const u = right(await push({ externalId: 'S', parentExternalId: 'S' }))
  assert.equal(u.warnings, ['parent S not attached: Circular reference detected'])
  assert.is(taskOf(f, self.taskId).parentTaskId, null)
})

test('parent: never a cycle — a late parent that is itself a child of the waiting task is not attached above it', async () => {
  const { f, push } = await setup()
  const x = right(await push({ externalId: 'X', parentExternalId: 'Y' })) // X waits for Y
  const y = right(await push({ externalId: 'Y', parentExternalId: 'X' })) // Y arrives as a child of X
  assert.equal(y.warnings, ['parent Y not attached: Circular reference detected'])
  assert.is(taskOf(f, y.taskId).parentTaskId, x.taskId)
  assert.is(taskOf(f, x.taskId).parentTaskId, null)
})

test('parent: no sequence of pushes ever creates a cycle (property)', async () => {
  const ids = ['A', 'B', 'C', 'D', 'E']
  const step = fc.record({
    externalId: fc.constantFrom(...ids),
    parentExternalId: fc.option(fc.constantFrom(...ids), { nil: undefined, freq: 3 }),
    detach: fc.boolean(),
  })
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
      const { f, push } = await setup()
      for (const s of steps) {
        const parentExternalId = s.detach && s.parentExternalId === undefined ? null : s.parentExternalId
        right(await push({ externalId: s.externalId, ...(parentExternalId === undefined ? {} : { parentExternalId }) }))
      }
      const tasks = db(f).tasks
      for (const task of tasks.values()) {
        const seen = new Set<number>([task.id])
        let parent = task.parentTaskId
        while (parent !== null) {
          if (seen.has(parent)) return false
          seen.add(parent)
          parent = tasks.get(parent)?.parentTaskId ?? null
        }
      }
      return true
    }),
    { numRuns: 150 },
  )
})

test('parent: a waiting child that was placed elsewhere meanwhile moves to the parent; both rollups are right', async () => {
  const { f, alice, push } = await setup()
  const child = right(await push({ externalId: 'C', parentExternalId: 'P', status: 'done' }))
  const holder = right(await f.tp.tasks.create(alice, taskOf(f, child.taskId).projectId, { title: 'holder' }))
  right(await f.tp.tasks.update(alice, child.taskId, { parentTaskId: holder.task.id }))
  assert.is(taskOf(f, holder.task.id).rollupProgressPercent, 100)
  const parent = right(await push({ externalId: 'P' }))
  assert.is(taskOf(f, child.taskId).parentTaskId, parent.taskId)
  assert.is(taskOf(f, parent.taskId).rollupProgressPercent, 100)
  assert.is(taskOf(f, holder.task.id).rollupProgressPercent, 0, 'the former parent no longer counts the child')
})

test.run()
