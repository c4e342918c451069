// Workflow use cases over the in-memory adapters: status changes through the contract's table with their side
// effects, progress reports, assignment, the review decision (approve/reject), agents as callers, and a
// property over random operation sequences.
import fc from 'fast-check'
import type * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { AppError, Caller } from '../../src/application/index.js'
import type { TaskStatus } from '../../src/domain/index.js'
import { fixture, left, right, type Fixture } from '../support/app-fixture.js'
import { TABLE } from '../support/contract.js'

const setup = async () => {
  const f = fixture()
  const alice = await f.human('alice') // owner
  const adam = await f.human('adam') // admin
  const mia = await f.human('mia') // member, the assignee
  const max = await f.human('max') // member, not the assignee
  const vic = await f.human('vic') // viewer
  const eve = await f.human('eve') // not a member
  const bot = await f.agent(alice, '@bot') // agent member
  const pid = await f.project(alice, 'web-app', [[adam, 'admin'], [mia, 'member'], [max, 'member'], [vic, 'viewer'], [bot, 'member']])
  const task = right(await f.tp.tasks.create(alice, pid, { title: 'feature', assigneeId: mia.worker.id }))
  return { f, alice, adam, mia, max, vic, eve, bot, pid, id: task.task.id }
}

const committed = (f: Fixture) => f.adapters.db.snapshot()
const stored = (f: Fixture, id: number) => {
  const task = committed(f).tasks.get(id)
  if (!task) throw new Error(`task ${id} is not stored`)
  return task
}
const auditOf = async (f: Fixture, caller: Caller, id: number) => right(await f.tp.audit.forTask(caller, id, { limit: 200 })).items

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

// ------------------------------------------------------------------------------------------ status changes

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
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  right(await f.tp.tasks.reportProgress(mia, id, { percent: 30 }))
  const doneAt = f.clock.advance()
  const done = right(await f.tp.tasks.changeStatus(mia, id, { status: 'completed' }))
  assert.equal([done.task.completedAt, done.task.progressPercent, done.task.rollupProgressPercent], [doneAt, 100, 100])
  assert.equal(stored(f, id).completedAt, doneAt)
  const reopened = right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  assert.is(reopened.task.completedAt, null)
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

// -------------------------------------------------------------------------------------------- progress

test('progress: only while in_progress or review', async () => {
  const { f, alice, mia, max, id, pid } = await setup()
  left(await f.tp.tasks.reportProgress(mia, id, { percent: 10 }), 'ProgressNotAllowed',
    'Progress can only be reported while the task is in_progress or review (it is pending)')
  for (const status of ['backlog', 'blocked', 'cancelled'] as const) {
    const t = right(await f.tp.tasks.create(alice, pid, { title: status }))
    right(await f.tp.tasks.changeStatus(alice, t.task.id, { status }))
    left(await f.tp.tasks.reportProgress(alice, t.task.id, { percent: 10 }), 'ProgressNotAllowed')
  }
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  assert.is(right(await f.tp.tasks.reportProgress(mia, id, { percent: 40 })).task.progressPercent, 40)
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'review' }))
  assert.is(right(await f.tp.tasks.reportProgress(mia, id, { percent: 90 })).task.progressPercent, 90)
  right(await f.tp.tasks.approve(max, id))
  left(await f.tp.tasks.reportProgress(mia, id, { percent: 50 }), 'ProgressNotAllowed',
    'Progress can only be reported while the task is in_progress or review (it is completed)')
  assert.is(stored(f, id).progressPercent, 100)
})

test('progress: an integer from 0 to 100', async () => {
  const { f, mia, id } = await setup()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  for (const percent of [-1, 101, 50.5, Number.NaN]) {
    left(await f.tp.tasks.reportProgress(mia, id, { percent }), 'ValidationFailed', 'percent: must be an integer from 0 to 100')
  }
  assert.equal([stored(f, id).progressPercent, stored(f, id).version], [0, 2])
  assert.is(right(await f.tp.tasks.reportProgress(mia, id, { percent: 100 })).task.progressPercent, 100)
  assert.is(right(await f.tp.tasks.reportProgress(mia, id, { percent: 0 })).task.progressPercent, 0)
  // Reaching 100 % is not completing the task.
  assert.is(stored(f, id).status, 'in_progress')
})

test('progress: the note goes into the audit entry; the same value again is no change', async () => {
  const { f, mia, id } = await setup()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  const r = right(await f.tp.tasks.reportProgress(mia, id, { percent: 40, note: 'half-way soon' }))
  assert.equal([r.task.progressPercent, r.task.rollupProgressPercent, r.task.version], [40, 40, 3])
  const entry = (await auditOf(f, mia, id)).at(-1)
  assert.is(entry?.action, 'progress_updated')
  assert.equal(entry?.details, { before: { progress_percent: 0 }, after: { progress_percent: 40 }, note: 'half-way soon' })
  const auditCount = committed(f).audit.length
  const same = right(await f.tp.tasks.reportProgress(mia, id, { percent: 40, note: 'still' }))
  assert.is(same.task.version, 3)
  assert.is(committed(f).audit.length, auditCount)
  left(await f.tp.tasks.reportProgress(mia, id, { percent: 50, note: 'n'.repeat(2001) }), 'ValidationFailed', 'note: must be at most 2000 characters')
  assert.is(stored(f, id).progressPercent, 40)
})

test('progress: the assignee member and admins; others refused', async () => {
  const { f, adam, mia, max, vic, eve, id } = await setup()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  left(await f.tp.tasks.reportProgress(max, id, { percent: 10 }), 'Forbidden', 'Members can only modify tasks assigned to them')
  left(await f.tp.tasks.reportProgress(vic, id, { percent: 10 }), 'Forbidden', 'Viewers cannot modify tasks')
  left(await f.tp.tasks.reportProgress(eve, id, { percent: 10 }), 'NotFound')
  assert.is(stored(f, id).progressPercent, 0)
  right(await f.tp.tasks.reportProgress(adam, id, { percent: 20 }))
  right(await f.tp.tasks.reportProgress(mia, id, { percent: 30 }))
})

// ---------------------------------------------------------------------------------------------- assign

test('assign: to a member (human or agent); audited as assigned, then unassigned', async () => {
  const { f, alice, mia, max, bot, id } = await setup()
  const toMax = right(await f.tp.tasks.assign(alice, id, max.worker.id))
  assert.equal([toMax.task.assigneeId, toMax.assigneeHandle, toMax.task.version], [max.worker.id, '@max', 2])
  const toBot = right(await f.tp.tasks.assign(alice, id, bot.worker.id))
  assert.equal([toBot.task.assigneeId, toBot.assigneeHandle], [bot.worker.id, '@bot'])
  const none = right(await f.tp.tasks.assign(alice, id, null))
  assert.equal([none.task.assigneeId, none.assigneeHandle, none.task.version], [null, null, 4])
  const entries = (await auditOf(f, alice, id)).slice(1)
  assert.equal(entries.map((e) => e.action), ['assigned', 'assigned', 'unassigned'])
  assert.equal(entries.map((e) => e.details), [
    { before: { assignee_id: mia.worker.id }, after: { assignee_id: max.worker.id } },
    { before: { assignee_id: max.worker.id }, after: { assignee_id: bot.worker.id } },
    { before: { assignee_id: bot.worker.id }, after: { assignee_id: null } },
  ])
})

test('assign: membership rules of the project', async () => {
  const { f, alice, mia, eve, id } = await setup()
  const lone = await f.agent(alice, '@lone')
  left(await f.tp.tasks.assign(alice, id, 999), 'AssigneeNotFound', 'Member with ID 999 not found in this project')
  left(await f.tp.tasks.assign(alice, id, eve.worker.id), 'NotAProjectMember', '@eve is not a member of project web-app')
  left(await f.tp.tasks.assign(alice, id, lone.worker.id), 'NotAProjectMember', 'Agent not a member of this project')
  const task = stored(f, id)
  assert.equal([task.version, task.assigneeId], [1, mia.worker.id])
})

test('assign: the same assignee again is no change (no audit, no version)', async () => {
  const { f, alice, mia, id } = await setup()
  const count = committed(f).audit.length
  const same = right(await f.tp.tasks.assign(alice, id, mia.worker.id))
  assert.is(same.task.version, 1)
  assert.is(committed(f).audit.length, count)
})

test('assign: a member may hand their own task on, but not take or move others; viewers never', async () => {
  const { f, alice, mia, max, vic, eve, pid, id } = await setup()
  const unassigned = right(await f.tp.tasks.create(alice, pid, { title: 'free' }))
  left(await f.tp.tasks.assign(max, unassigned.task.id, max.worker.id), 'Forbidden', 'Members can only modify tasks assigned to them')
  left(await f.tp.tasks.assign(max, id, max.worker.id), 'Forbidden')
  left(await f.tp.tasks.assign(vic, id, null), 'Forbidden', 'Viewers cannot modify tasks')
  left(await f.tp.tasks.assign(eve, id, null), 'NotFound')
  right(await f.tp.tasks.assign(mia, id, max.worker.id))
  // No longer hers.
  left(await f.tp.tasks.assign(mia, id, mia.worker.id), 'Forbidden')
  assert.is(stored(f, id).assigneeId, max.worker.id)
})

// ---------------------------------------------------------------------------------------- approve/reject

const toReview = async (f: Fixture, caller: Caller, id: number) => {
  right(await f.tp.tasks.changeStatus(caller, id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(caller, id, { status: 'review' }))
}

test('approve: only a task in review; sets completed, completed_at and 100 %; audited as approved', async () => {
  const { f, mia, max, id } = await setup()
  left(await f.tp.tasks.approve(max, id), 'InvalidTransition',
    'Cannot change status from pending to completed. Allowed: in_progress, blocked, backlog, cancelled (only a task in review can be approved)')
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  left(await f.tp.tasks.approve(max, id), 'InvalidTransition')
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'review' }))
  const now = f.clock.advance()
  const approved = right(await f.tp.tasks.approve(max, id))
  assert.equal([approved.task.status, approved.task.completedAt, approved.task.progressPercent], ['completed', now, 100])
  const entry = (await auditOf(f, mia, id)).at(-1)
  assert.equal([entry?.action, entry?.actor], ['approved', { type: 'human', id: max.worker.id }])
  assert.equal(entry?.details.before?.status, 'review')
  assert.equal(entry?.details.after?.status, 'completed')
  left(await f.tp.tasks.approve(max, id), 'InvalidTransition')
})

test('approve: admins and owners, or a member who is not the assignee; never the assignee member or a viewer', async () => {
  const { f, alice, adam, mia, max, vic, eve, bot, pid, id } = await setup()
  await toReview(f, mia, id)
  left(await f.tp.tasks.approve(mia, id), 'Forbidden', 'The assignee cannot approve or reject their own task')
  left(await f.tp.tasks.approve(vic, id), 'Forbidden', 'Viewers cannot review tasks')
  left(await f.tp.tasks.approve(eve, id), 'NotFound', `Task with ID ${id} not found`)
  assert.equal([stored(f, id).status, stored(f, id).version], ['review', 3])
  right(await f.tp.tasks.approve(max, id))
  // Admins, the owner and agent members who are not the assignee may approve as well.
  for (const reviewer of [adam, alice, bot]) {
    const t = right(await f.tp.tasks.create(alice, pid, { title: 'another', assigneeId: mia.worker.id }))
    await toReview(f, mia, t.task.id)
    assert.is(right(await f.tp.tasks.approve(reviewer, t.task.id)).task.status, 'completed')
  }
  // An unassigned task: any member may approve.
  const free = right(await f.tp.tasks.create(alice, pid, { title: 'free' }))
  await toReview(f, alice, free.task.id)
  right(await f.tp.tasks.approve(max, free.task.id))
})

test('approve: an admin who is the assignee may approve their own task; a member assignee may not', async () => {
  const { f, alice, adam, max, pid } = await setup()
  const own = right(await f.tp.tasks.create(alice, pid, { title: 'own', assigneeId: adam.worker.id }))
  await toReview(f, adam, own.task.id)
  assert.is(right(await f.tp.tasks.approve(adam, own.task.id)).task.status, 'completed')
  const hers = right(await f.tp.tasks.create(alice, pid, { title: 'hers', assigneeId: max.worker.id }))
  await toReview(f, max, hers.task.id)
  left(await f.tp.tasks.approve(max, hers.task.id), 'Forbidden')
  left(await f.tp.tasks.reject(max, hers.task.id, 'no'), 'Forbidden')
  // The owner, as assignee, too.
  const owners = right(await f.tp.tasks.create(alice, pid, { title: 'owners', assigneeId: alice.worker.id }))
  await toReview(f, alice, owners.task.id)
  right(await f.tp.tasks.approve(alice, owners.task.id))
})

test('reject: requires a reason, goes back to in_progress, the reason in the audit entry', async () => {
  const { f, mia, max, id } = await setup()
  left(await f.tp.tasks.reject(max, id, 'not yet'), 'InvalidTransition')
  await toReview(f, mia, id)
  left(await f.tp.tasks.reject(max, id, ''), 'ValidationFailed', 'reason: must be a non-empty string')
  left(await f.tp.tasks.reject(max, id, '   '), 'ValidationFailed', 'reason: must be a non-empty string')
  left(await f.tp.tasks.reject(max, id, 'r'.repeat(2001)), 'ValidationFailed', 'reason: must be at most 2000 characters')
  assert.is(stored(f, id).status, 'review')
  const rejected = right(await f.tp.tasks.reject(max, id, 'missing tests'))
  assert.equal([rejected.task.status, rejected.task.completedAt], ['in_progress', null])
  const entry = (await auditOf(f, mia, id)).at(-1)
  assert.equal(entry?.action, 'rejected')
  assert.equal(entry?.details, { before: { status: 'review' }, after: { status: 'in_progress' }, reason: 'missing tests' })
  assert.equal(entry?.actor, { type: 'human', id: max.worker.id })
})

test('reject: same reviewers as approve', async () => {
  const { f, adam, mia, vic, eve, id } = await setup()
  await toReview(f, mia, id)
  left(await f.tp.tasks.reject(mia, id, 'x'), 'Forbidden', 'The assignee cannot approve or reject their own task')
  left(await f.tp.tasks.reject(vic, id, 'x'), 'Forbidden', 'Viewers cannot review tasks')
  left(await f.tp.tasks.reject(eve, id, 'x'), 'NotFound')
  assert.is(stored(f, id).status, 'review')
  right(await f.tp.tasks.reject(adam, id, 'again'))
})

test('viewers are refused by every workflow operation, and may still read', async () => {
  const { f, mia, vic, id } = await setup()
  await toReview(f, mia, id)
  const before = stored(f, id)
  const auditCount = committed(f).audit.length
  const attempts: ReadonlyArray<() => Promise<E.Either<AppError, unknown>>> = [
    () => f.tp.tasks.changeStatus(vic, id, { status: 'blocked' }),
    () => f.tp.tasks.reportProgress(vic, id, { percent: 5 }),
    () => f.tp.tasks.assign(vic, id, vic.worker.id),
    () => f.tp.tasks.assign(vic, id, null),
    () => f.tp.tasks.approve(vic, id),
    () => f.tp.tasks.reject(vic, id, 'no'),
    () => f.tp.tasks.update(vic, id, { title: 'x' }),
    () => f.tp.tasks.delete(vic, id, true),
    () => f.tp.tasks.createSubtask(vic, id, { title: 'x' }),
  ]
  for (const attempt of attempts) left(await attempt(), 'Forbidden')
  assert.equal(stored(f, id), before)
  assert.is(committed(f).audit.length, auditCount)
  right(await f.tp.tasks.get(vic, id))
  right(await f.tp.audit.forTask(vic, id, {}))
})

// ------------------------------------------------------------------------------------------------ agents

test('an agent member works the task assigned to it; its entries say actor_type agent', async () => {
  const { f, alice, bot, max, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'for the bot', assigneeId: bot.worker.id }))
  right(await f.tp.tasks.changeStatus(bot, t.task.id, { status: 'in_progress', reason: 'starting' }))
  right(await f.tp.tasks.reportProgress(bot, t.task.id, { percent: 70, note: 'tests pass' }))
  right(await f.tp.tasks.changeStatus(bot, t.task.id, { status: 'review' }))
  // The agent is the assignee member: it may not approve its own work.
  left(await f.tp.tasks.approve(bot, t.task.id), 'Forbidden')
  right(await f.tp.tasks.approve(max, t.task.id))
  const entries = (await auditOf(f, alice, t.task.id)).slice(1)
  assert.equal(entries.map((e) => [e.action, e.actor.type]), [
    ['status_changed', 'agent'], ['progress_updated', 'agent'], ['status_changed', 'agent'], ['approved', 'human'],
  ])
  assert.ok(entries.slice(0, 3).every((e) => e.actor.id === bot.worker.id))
  assert.is(stored(f, t.task.id).status, 'completed')
})

test('an agent member may not touch tasks not assigned to it; an agent outside the project sees nothing', async () => {
  const { f, alice, bot, id } = await setup()
  left(await f.tp.tasks.changeStatus(bot, id, { status: 'in_progress' }), 'Forbidden', 'Members can only modify tasks assigned to them')
  const lone = await f.agent(alice, '@lone')
  left(await f.tp.tasks.changeStatus(lone, id, { status: 'in_progress' }), 'NotFound')
  left(await f.tp.tasks.get(lone, id), 'NotFound')
  assert.is(stored(f, id).status, 'pending')
})

// ---------------------------------------------------------------------------------------------- property

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
