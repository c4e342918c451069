// Assignment: to members only (humans and agents), audited, no-op when unchanged, and who may hand a task on.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { left, right } from '../../support/app-fixture.js'
import { auditOf, committed, setup, stored } from './workflow-fixture.js'

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

test.run()
