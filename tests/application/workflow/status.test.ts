// Status changes through the contract table: refusals, review left only by a decision, side effects, audit, If-Match, permissions.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { AppError } from '../../../src/application/index.js'
import type { TaskStatus } from '../../../src/domain/index.js'
import { left, right } from '../../support/app-fixture.js'
import { TABLE } from '../../support/contract.js'
import { auditOf, committed, setup, stored } from './workflow-fixture.js'

const CONTRACT = TABLE
const STATUSES = Object.keys(CONTRACT) as TaskStatus[]
/** From `pending`, a path of plain status changes to each status. */
const PATH: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  backlog: ['backlog'],
  pending: [],
  in_progress: ['in_progress'],
  review: ['in_progress', 'review'],
  blocked: ['blocked'],
  completed: ['in_progress', 'completed'],
  cancelled: ['cancelled'],
}
/** review -> * only through approve/reject. */
const plainTargets = (from: TaskStatus): readonly TaskStatus[] => (from === 'review' ? [] : CONTRACT[from])

const allowedOf = (error: AppError): readonly TaskStatus[] =>
  error._tag === 'InvalidTransition' ? error.allowed : assert.unreachable(`expected InvalidTransition, got ${error._tag}`) as never

test('status: every (from, to) pair follows the contract table; refusals carry the allowed targets and write nothing', async () => {
  const { f, alice, pid } = await setup()
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const t = right(await f.tp.tasks.create(alice, pid, { title: `${from} -> ${to}` }))
      for (const step of PATH[from]) right(await f.tp.tasks.changeStatus(alice, t.task.id, { status: step }))
      const before = stored(f, t.task.id)
      assert.is(before.status, from)
      const auditBefore = committed(f).audit.length
      const result = await f.tp.tasks.changeStatus(alice, t.task.id, { status: to })
      if (plainTargets(from).includes(to)) {
        const moved = right(result)
        assert.is(moved.task.status, to, `${from} -> ${to}`)
        assert.is(moved.task.version, before.version + 1)
        assert.is(committed(f).audit.length, auditBefore + 1)
      } else {
        const error = left(result, 'InvalidTransition')
        assert.equal([...allowedOf(error)].sort(), [...plainTargets(from)].sort(), `allowed from ${from}`)
        if (error._tag === 'InvalidTransition') assert.equal([error.from, error.to], [from, to])
        assert.equal(stored(f, t.task.id), before)
        assert.is(committed(f).audit.length, auditBefore)
      }
    }
  }
})

test('status: the refusal names the allowed targets in its detail', async () => {
  const { f, mia, id } = await setup()
  left(await f.tp.tasks.changeStatus(mia, id, { status: 'completed' }), 'InvalidTransition',
    'Cannot change status from pending to completed. Allowed: in_progress, blocked, backlog, cancelled')
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  // The allowed targets come in the table's order.
  assert.equal(allowedOf(left(await f.tp.tasks.changeStatus(mia, id, { status: 'backlog' }), 'InvalidTransition')), ['review', 'completed', 'blocked', 'pending'])
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'review' }))
  left(await f.tp.tasks.changeStatus(mia, id, { status: 'completed' }), 'InvalidTransition',
    'Cannot change status from review to completed. Allowed: none (a task in review leaves it only through approve or reject)')
})

test('status: review is left only through approve or reject', async () => {
  const { f, alice, mia, max, id } = await setup()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'review' }))
  for (const to of STATUSES) {
    // Not even the owner may take a plain status change out of review.
    const error = left(await f.tp.tasks.changeStatus(alice, id, { status: to }), 'InvalidTransition')
    assert.equal(allowedOf(error), [])
  }
  assert.is(stored(f, id).status, 'review')
  assert.is(right(await f.tp.tasks.reject(max, id, 'needs tests')).task.status, 'in_progress')
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'review' }))
  assert.is(right(await f.tp.tasks.approve(max, id)).task.status, 'completed')
})

test('status: started_at is set the first time the task enters in_progress, and kept afterwards', async () => {
  const { f, mia, id } = await setup()
  const t0 = f.clock.advance(60_000)
  const started = right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  assert.equal(started.task.startedAt, t0)
  assert.equal(started.task.updatedAt, t0)
  f.clock.advance(60_000)
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'blocked' }))
  f.clock.advance(60_000)
  const again = right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  assert.equal(again.task.startedAt, t0)
  assert.equal(stored(f, id).startedAt, t0)
})

test('status: backlog -> in_progress sets started_at; pending -> blocked does not', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 't' }))
  right(await f.tp.tasks.changeStatus(alice, t.task.id, { status: 'backlog' }))
  const now = f.clock.advance()
  assert.equal(right(await f.tp.tasks.changeStatus(alice, t.task.id, { status: 'in_progress' })).task.startedAt, now)
  const u = right(await f.tp.tasks.create(alice, pid, { title: 'u' }))
  assert.is(right(await f.tp.tasks.changeStatus(alice, u.task.id, { status: 'blocked' })).task.startedAt, null)
})

test('status: completed sets completed_at and 100 %; leaving completed clears completed_at', async () => {
  const { f, mia, id } = await setup()
  const started = right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  right(await f.tp.tasks.reportProgress(mia, id, { percent: 30 }))
  const doneAt = f.clock.advance()
  const done = right(await f.tp.tasks.changeStatus(mia, id, { status: 'completed' }))
  assert.equal([done.task.completedAt, done.task.progressPercent, done.task.rollupProgressPercent], [doneAt, 100, 100])
  assert.equal(stored(f, id).completedAt, doneAt)
  const reopened = right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  assert.is(reopened.task.completedAt, null)
  assert.equal(reopened.task.startedAt, started.task.startedAt)
  assert.is(stored(f, id).completedAt, null)
  const entry = (await auditOf(f, mia, id)).at(-1)
  assert.equal(entry?.details.before, { status: 'completed', completed_at: doneAt.toISOString() })
  assert.equal(entry?.details.after, { status: 'in_progress', completed_at: null })
})

test('status: the reason goes into the audit entry with the before/after of the changed fields', async () => {
  const { f, mia, id } = await setup()
  const now = f.clock.advance()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress', reason: 'picking it up' }))
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'blocked' }))
  const [, started, blocked] = await auditOf(f, mia, id)
  assert.is(started?.action, 'status_changed')
  assert.equal(started?.details, {
    before: { status: 'pending', started_at: null },
    after: { status: 'in_progress', started_at: now.toISOString() },
    reason: 'picking it up',
  })
  assert.equal(started?.actor, { type: 'human', id: mia.worker.id })
  assert.equal(blocked?.details, { before: { status: 'in_progress' }, after: { status: 'blocked' } })
})

test('status: If-Match through expectedVersion', async () => {
  const { f, mia, id } = await setup()
  left(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress', expectedVersion: 2 }), 'VersionMismatch',
    'Version mismatch: If-Match expected version 2, the task is at version 1')
  assert.is(stored(f, id).status, 'pending')
  assert.is(right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress', expectedVersion: 1 })).task.version, 2)
})

test('status: the assignee member and admins may change it; other members, viewers and outsiders may not', async () => {
  const { f, alice, adam, mia, max, vic, eve, id } = await setup()
  left(await f.tp.tasks.changeStatus(max, id, { status: 'in_progress' }), 'Forbidden', 'Members can only modify tasks assigned to them')
  left(await f.tp.tasks.changeStatus(vic, id, { status: 'in_progress' }), 'Forbidden', 'Viewers cannot modify tasks')
  left(await f.tp.tasks.changeStatus(eve, id, { status: 'in_progress' }), 'NotFound', `Task with ID ${id} not found`)
  left(await f.tp.tasks.changeStatus(mia, 424242, { status: 'in_progress' }), 'NotFound')
  assert.is(stored(f, id).version, 1)
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(adam, id, { status: 'blocked' }))
  right(await f.tp.tasks.changeStatus(alice, id, { status: 'pending' }))
})

test.run()
