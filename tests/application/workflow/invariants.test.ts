// Workflow writes as a whole: atomic with their audit entry, and random operation sequences keep the table and the rollups.
import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { TaskStatus } from '../../../src/domain/index.js'
import { fixture, right } from '../../support/app-fixture.js'
import { TABLE } from '../../support/contract.js'
import { committed, setup } from './workflow-fixture.js'

test('workflow writes are atomic with their audit entry', async () => {
  const { f, mia, max, id } = await setup()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'review' }))
  f.faults.failAuditWrites()
  for (const attempt of [
    () => f.tp.tasks.approve(max, id),
    () => f.tp.tasks.reject(max, id, 'no'),
    () => f.tp.tasks.reportProgress(mia, id, { percent: 90 }),
    () => f.tp.tasks.assign(mia, id, null),
  ]) {
    await attempt().then(() => assert.unreachable('the injected failure must surface'), () => undefined)
  }
  f.faults.heal()
  const task = right(await f.tp.tasks.get(mia, id)).task
  assert.equal([task.status, task.progressPercent, task.assigneeId, task.version], ['review', 0, mia.worker.id, 3])
})

const CONTRACT = TABLE

type Op =
  | { readonly kind: 'status'; readonly to: TaskStatus }
  | { readonly kind: 'progress'; readonly percent: number }
  | { readonly kind: 'approve' }
  | { readonly kind: 'reject' }

const statusArb = fc.constantFrom<TaskStatus>(...(Object.keys(CONTRACT) as TaskStatus[]))
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('status' as const), to: statusArb }),
  fc.record({ kind: fc.constant('status' as const), to: statusArb }),
  fc.record({ kind: fc.constant('progress' as const), percent: fc.integer({ min: 0, max: 100 }) }),
  fc.constant({ kind: 'approve' as const }),
  fc.constant({ kind: 'reject' as const }),
)

test('property: random workflow operations keep rollups in 0..100 and true, and every audited status step follows the table', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.nat({ max: 4 }), opArb), { maxLength: 40 }), async (ops) => {
      const f = fixture()
      const alice = await f.human('alice')
      const pid = await f.project(alice, 'web-app')
      // root <- a <- (a1, a2); root <- b
      const root = right(await f.tp.tasks.create(alice, pid, { title: 'root' })).task.id
      const a = right(await f.tp.tasks.createSubtask(alice, root, { title: 'a' })).task.id
      const a1 = right(await f.tp.tasks.createSubtask(alice, a, { title: 'a1' })).task.id
      const a2 = right(await f.tp.tasks.createSubtask(alice, a, { title: 'a2' })).task.id
      const b = right(await f.tp.tasks.createSubtask(alice, root, { title: 'b' })).task.id
      const ids = [root, a, a1, a2, b]
      let successes = 0
      for (const [i, op] of ops) {
        const id = ids[i] ?? root
        const versionBefore = committed(f).tasks.get(id)?.version
        const result = op.kind === 'status'
          ? await f.tp.tasks.changeStatus(alice, id, { status: op.to })
          : op.kind === 'progress'
            ? await f.tp.tasks.reportProgress(alice, id, { percent: op.percent })
            : op.kind === 'approve'
              ? await f.tp.tasks.approve(alice, id)
              : await f.tp.tasks.reject(alice, id, 'again')
        if (result._tag === 'Right') {
          if (result.right.task.version !== versionBefore) successes += 1
          assert.is(committed(f).tasks.get(id)?.version, result.right.task.version)
        } else assert.ok(['InvalidTransition', 'ProgressNotAllowed'].includes(result.left._tag), result.left._tag)
      }
      const tables = committed(f)
      const all = [...tables.tasks.values()]
      for (const task of all) {
        assert.ok(task.rollupProgressPercent >= 0 && task.rollupProgressPercent <= 100)
        assert.ok(task.progressPercent >= 0 && task.progressPercent <= 100)
        const counted = all.filter((c) => c.parentTaskId === task.id && c.status !== 'cancelled')
        const expected = counted.length === 0
          ? task.progressPercent
          : Math.round(counted.reduce((sum, c) => sum + (c.status === 'completed' ? 100 : c.rollupProgressPercent), 0) / counted.length)
        assert.is(task.rollupProgressPercent, expected, `rollup of ${task.title}`)
        if (task.status === 'completed') assert.is(task.progressPercent, 100)
        assert.is(task.completedAt !== null, task.status === 'completed')
      }
      // Every operation that changed something wrote one entry; each entry's status step is in the table,
      // and the version counts the changes.
      let changes = 0
      for (const id of ids) {
        const entries = tables.audit.filter((e) => e.entityType === 'task' && e.entityId === String(id))
        let status: TaskStatus = 'pending'
        for (const entry of entries.slice(1)) {
          changes += 1
          const after = entry.details.after?.status
          if (after === undefined) continue
          assert.is(entry.details.before?.status, status)
          assert.ok(CONTRACT[status].includes(after as TaskStatus), `${status} -> ${String(after)}`)
          if (entry.action === 'status_changed') assert.is.not(status, 'review', 'a plain status change left review')
          if (entry.action === 'approved') assert.equal([status, after], ['review', 'completed'])
          if (entry.action === 'rejected') assert.equal([status, after], ['review', 'in_progress'])
          status = after as TaskStatus
        }
        const task = tables.tasks.get(id)
        assert.is(task?.status, status)
        assert.is(task?.version, entries.length)
      }
      assert.is(changes, successes)
    }),
    { numRuns: 60 },
  )
})

test.run()
