// Inbound task-sync: assignee emails matched to project members, or kept pending until such a member is added.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { right } from '../../support/app-fixture.js'
import { auditOf, linkOf, setup, taskOf } from './sync-fixture.js'

test('assignee: the email is matched ignoring case against the project\'s members', async () => {
  const { f, alice, pid, push } = await setup()
  const mia = await f.human('mia')
  right(await f.tp.members.add(alice, pid, { userId: 'sso|mia', role: 'member' }))
  const r = right(await push({ externalId: 'E-1', assigneeEmail: 'MIA@Example.COM' }))
  assert.equal(r.warnings, [])
  assert.is(taskOf(f, r.taskId).assigneeId, mia.worker.id)
  assert.is(linkOf(f, 'E-1')?.pendingAssigneeEmail, null)
  // Absent: kept. null: unassigned, audited.
  right(await push({ externalId: 'E-1', name: 'renamed' }))
  assert.is(taskOf(f, r.taskId).assigneeId, mia.worker.id)
  right(await push({ externalId: 'E-1', name: 'renamed', assigneeEmail: null }))
  assert.is(taskOf(f, r.taskId).assigneeId, null)
  assert.equal(auditOf(f, r.taskId).at(-1)?.details.after, { assignee_id: null })
})

test('assignee: an unknown email stays pending with a warning, and is assigned when a member with that email is added', async () => {
  const { f, alice, pid, push } = await setup()
  const r = right(await push({ externalId: 'E-2', assigneeEmail: 'Carol@Example.com' }))
  assert.equal(r.warnings, ['assignee carol@example.com is not a member of this project; assignment pending until they are added'])
  assert.is(taskOf(f, r.taskId).assigneeId, null)
  assert.is(linkOf(f, 'E-2')?.pendingAssigneeEmail, 'carol@example.com')

  const added = right(await f.tp.members.add(alice, pid, { userId: 'sso|carol', email: 'carol@example.com' }))
  const task = taskOf(f, r.taskId)
  assert.is(task.assigneeId, added.worker.id)
  assert.is(task.version, 2)
  assert.is(linkOf(f, 'E-2')?.pendingAssigneeEmail, null)
  const entry = auditOf(f, r.taskId).at(-1)
  assert.is(entry?.action, 'assigned')
  assert.equal(entry?.actor, { type: 'human', id: alice.worker.id })
  assert.equal(entry?.details.after, { assignee_id: added.worker.id })
  // The next push naming her finds her directly.
  assert.equal(right(await push({ externalId: 'E-3', assigneeEmail: 'carol@example.com' })).warnings, [])
})

test('assignee: an explicit assignment meanwhile drops the pending sync assignee', async () => {
  const { f, alice, pid, push } = await setup()
  const r = right(await push({ externalId: 'E-6', assigneeEmail: 'carol@example.com' }))
  right(await f.tp.tasks.assign(alice, r.taskId, alice.worker.id))
  assert.is(linkOf(f, 'E-6')?.pendingAssigneeEmail, null)
  right(await f.tp.members.add(alice, pid, { userId: 'sso|carol', email: 'carol@example.com' }))
  assert.is(taskOf(f, r.taskId).assigneeId, alice.worker.id)
})

test('assignee: a known worker who is not a member of this project stays pending until added', async () => {
  const { f, alice, pid, push } = await setup()
  const bob = await f.human('bob') // has a worker (and an email) but no membership here
  const r = right(await push({ externalId: 'E-4', assigneeEmail: 'bob@example.com' }))
  assert.is(r.warnings.length, 1)
  assert.is(taskOf(f, r.taskId).assigneeId, null)
  right(await f.tp.members.add(alice, pid, { userId: 'sso|bob' }))
  assert.is(taskOf(f, r.taskId).assigneeId, bob.worker.id)
})

test('assignee: a member of another project with that email does not match', async () => {
  const { f, push } = await setup()
  const bob = await f.human('bob')
  await f.project(bob, 'bobs-app')
  const r = right(await push({ externalId: 'E-5', assigneeEmail: 'bob@example.com' }))
  assert.is(taskOf(f, r.taskId).assigneeId, null)
  assert.is(r.warnings.length, 1)
})

test.run()
