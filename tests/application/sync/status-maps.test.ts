// Inbound task-sync: the default and per-token status maps, applied outside the workflow table, and unmapped statuses.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { right } from '../../support/app-fixture.js'
import { auditOf, setup, taskOf } from './sync-fixture.js'

test('status: the default map, with keys matched ignoring case (DONE, In_Progress, ToDo)', async () => {
  const { f, push } = await setup()
  const statusOf = async (externalId: string, status: string) => taskOf(f, right(await push({ externalId, status })).taskId).status
  assert.is(await statusOf('S-1', 'DONE'), 'completed')
  assert.is(await statusOf('S-2', 'In_Progress'), 'in_progress')
  assert.is(await statusOf('S-3', 'ToDo'), 'pending')
  assert.is(await statusOf('S-4', ' done '), 'completed')
  // Matching ignores case, not spelling: 'In Progress' is not 'in_progress'.
  const spaced = right(await push({ externalId: 'S-5', status: 'In Progress' }))
  assert.equal(spaced.warnings, ['status "In Progress" is not mapped; status left as backlog'])
})

test('status: the token\'s map is merged over the default one; its keys win and are matched ignoring case', async () => {
  const { f, push } = await setup({ 'In Review': 'review', Done: 'cancelled' })
  const statusOf = async (externalId: string, status: string) => taskOf(f, right(await push({ externalId, status })).taskId).status
  assert.is(await statusOf('M-1', 'IN REVIEW'), 'review')
  assert.is(await statusOf('M-2', 'in review'), 'review')
  assert.is(await statusOf('M-3', 'DONE'), 'cancelled') // the token's key overrides the default 'done'
  assert.is(await statusOf('M-4', 'todo'), 'pending') // default keys the token does not override still apply
  assert.is(await statusOf('M-5', 'In_Progress'), 'in_progress')
})

test('status: each token brings its own map', async () => {
  const { f, alice, pid, push } = await setup({ 'In Review': 'review' })
  const plain = right(await f.tp.apiTokens.create(alice, pid, { name: 'plain' }))
  const viaPlain = right(await push({ externalId: 'K-1', status: 'In Review' }, plain.raw))
  assert.equal(viaPlain.warnings, ['status "In Review" is not mapped; status left as backlog'])
  assert.is(taskOf(f, viaPlain.taskId).status, 'backlog')
  const viaMapped = right(await push({ externalId: 'K-1', status: 'In Review' }))
  assert.equal(viaMapped.warnings, [])
  assert.is(taskOf(f, viaPlain.taskId).status, 'review')
})

test('status: a mapped status is applied even where the workflow forbids the step; audited as status_synced', async () => {
  const { f, token, push } = await setup({ Reopened: 'backlog', 'In Review': 'review' })
  const r = right(await push({ externalId: 'W-1', status: 'done' }))
  const doneAt = taskOf(f, r.taskId).completedAt
  assert.ok(doneAt)
  const at = f.clock.advance()
  right(await push({ externalId: 'W-1', status: 'Reopened' })) // completed -> backlog is not in the table
  const task = taskOf(f, r.taskId)
  assert.equal([task.status, task.completedAt, task.version], ['backlog', null, 2])
  assert.equal(task.updatedAt, at)
  const entry = auditOf(f, r.taskId).at(-1)
  assert.is(entry?.action, 'status_synced')
  assert.equal(entry?.actor, { type: 'api_token', id: token.id })
  assert.equal(entry?.details.before, { status: 'completed', completed_at: doneAt.toISOString() })
  assert.equal(entry?.details.after, { status: 'backlog', completed_at: null })
  // review -> completed normally needs an approval; in_progress -> review -> backlog: all applied as sent.
  right(await push({ externalId: 'W-1', status: 'In Review' }))
  right(await push({ externalId: 'W-1', status: 'done' }))
  assert.equal([taskOf(f, r.taskId).status, taskOf(f, r.taskId).version], ['completed', 4])
  assert.equal(auditOf(f, r.taskId).map((e) => e.action), ['created', 'status_synced', 'status_synced', 'status_synced'])
})

test('status: a push changing fields and status writes synced and status_synced, and the version moves by one', async () => {
  const { f, push } = await setup()
  const r = right(await push({ externalId: 'B-1', name: 'old' }))
  right(await push({ externalId: 'B-1', name: 'new', status: 'in_progress' }))
  const task = taskOf(f, r.taskId)
  assert.equal([task.title, task.status, task.version], ['new', 'in_progress', 2])
  assert.equal(task.startedAt, f.clock.now())
  const [, synced, statusSynced] = auditOf(f, r.taskId)
  assert.equal([synced?.action, synced?.details.before, synced?.details.after], ['synced', { title: 'old' }, { title: 'new' }])
  assert.is(statusSynced?.action, 'status_synced')
  assert.equal(statusSynced?.details.after, { status: 'in_progress', started_at: f.clock.now().toISOString() })
})

test('status: an unmapped status keeps the task\'s status, warns, and the other fields still apply', async () => {
  const { f, push } = await setup()
  const r = right(await push({ externalId: 'X-1', status: 'Waiting for QA' }))
  assert.equal(r.warnings, ['status "Waiting for QA" is not mapped; status left as backlog'])
  assert.is(taskOf(f, r.taskId).status, 'backlog')
  right(await push({ externalId: 'X-1', status: 'in_progress' }))
  const u = right(await push({ externalId: 'X-1', status: 'Blocked by vendor', name: 'renamed' }))
  assert.equal(u.warnings, ['status "Blocked by vendor" is not mapped; status left as in_progress'])
  const task = taskOf(f, r.taskId)
  assert.equal([task.status, task.title, task.version], ['in_progress', 'renamed', 3])
  assert.not.ok(auditOf(f, r.taskId).at(-1)?.details.after?.status, 'no status change is audited')
})

test.run()
