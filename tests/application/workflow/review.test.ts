// The review decision: approve and reject only from review, by whom, with their side effects and audit entries.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { left, right } from '../../support/app-fixture.js'
import { auditOf, setup, stored, toReview } from './workflow-fixture.js'

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

test.run()
