import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, auditEntry, hasChanges, recordChanges, taskChanges, taskSnapshot,
} from '../../src/domain/audit.js'
import type { Task } from '../../src/domain/task.js'
import { changeStatus, reject } from '../../src/domain/task-workflow.js'
import { ok } from '../support/either.js'
import { T0, T1, T2, aTask, agentActor, humanActor, tokenActor } from '../support/builders.js'

test('task changes: only the changed fields, by their wire names, dates as ISO strings', () => {
  const before = aTask({ status: 'pending', storyPoints: 3 })
  const after: Task = { ...before, status: 'in_progress', startedAt: T1, storyPoints: 5, version: 2, updatedAt: T1 }
  assert.equal(taskChanges(before, after), {
    before: { status: 'pending', story_points: 3, started_at: null },
    after: { status: 'in_progress', story_points: 5, started_at: '2026-11-22T11:00:00.000Z' },
  })
})

test('task changes: every tracked field under its snake_case name', () => {
  const before = aTask({ status: 'completed', startedAt: T0, completedAt: T1 })
  const edits: Array<[Partial<Task>, string, unknown, unknown]> = [
    [{ title: 'New' }, 'title', 'Write the docs', 'New'],
    [{ description: 'd' }, 'description', null, 'd'],
    [{ status: 'in_progress' }, 'status', 'completed', 'in_progress'],
    [{ priority: 'urgent' }, 'priority', 'medium', 'urgent'],
    [{ tags: ['a', 'b'] }, 'tags', [], ['a', 'b']],
    [{ dueDate: '2026-12-24' }, 'due_date', null, '2026-12-24'],
    [{ storyPoints: 8 }, 'story_points', null, 8],
    [{ assigneeId: 9 }, 'assignee_id', null, 9],
    [{ parentTaskId: 3 }, 'parent_task_id', null, 3],
    [{ progressPercent: 40 }, 'progress_percent', 100, 40],
    [{ startedAt: T2 }, 'started_at', T0.toISOString(), T2.toISOString()],
    [{ completedAt: null }, 'completed_at', T1.toISOString(), null],
  ]
  for (const [edit, name, was, is] of edits) {
    assert.equal(taskChanges(before, { ...before, ...edit }), { before: { [name]: was }, after: { [name]: is } }, name)
  }
})

test('task changes of real operations', () => {
  const done = ok(changeStatus(aTask({ status: 'in_progress', progressPercent: 30 }), 'completed', T1))
  assert.equal(taskChanges(aTask({ status: 'in_progress', progressPercent: 30 }), done), {
    before: { status: 'in_progress', progress_percent: 30, completed_at: null },
    after: { status: 'completed', progress_percent: 100, completed_at: T1.toISOString() },
  })
  const inReview = aTask({ status: 'review' })
  assert.equal(taskChanges(inReview, ok(reject(inReview, 'why', T1))), {
    before: { status: 'review' }, after: { status: 'in_progress' },
  })
})

test('no change, no fields; bookkeeping (version, updated_at, rollup) is not a change', () => {
  const task = aTask({ tags: ['a'], startedAt: T0 })
  const changes = taskChanges(task, { ...task, version: 9, updatedAt: T2, rollupProgressPercent: 50, tags: ['a'], startedAt: new Date(T0.getTime()) })
  assert.equal(changes, { before: {}, after: {} })
  assert.not.ok(hasChanges(changes))
  assert.ok(hasChanges(taskChanges(task, { ...task, title: 'x' })))
})

test('a snapshot has every tracked field in wire names, dates as ISO strings', () => {
  const task = aTask({
    status: 'completed', description: 'd', tags: ['a'], dueDate: '2026-12-01', storyPoints: 2, assigneeId: 7, parentTaskId: 3,
  })
  assert.equal(taskSnapshot(task), {
    title: 'Write the docs', description: 'd', status: 'completed', priority: 'medium', tags: ['a'], due_date: '2026-12-01',
    story_points: 2, assignee_id: 7, parent_task_id: 3, progress_percent: 100, started_at: T0.toISOString(),
    completed_at: T0.toISOString(),
  })
  assert.is(taskSnapshot(aTask()).completed_at, null)
})

test('record changes: only the differing keys of the new record, compared by value', () => {
  const changes = recordChanges(
    { name: 'a', tags: ['x'], when: T0, same: 1 },
    { name: 'b', tags: ['x'], when: new Date(T0.getTime()), same: 1 },
  )
  assert.equal(changes, { before: { name: 'a' }, after: { name: 'b' } })
  assert.ok(hasChanges(changes))
  assert.equal(recordChanges({ tags: ['x'] }, { tags: ['x', 'y'] }), { before: { tags: ['x'] }, after: { tags: ['x', 'y'] } })
  assert.equal(recordChanges({ at: T0 }, { at: T1 }), { before: { at: T0.toISOString() }, after: { at: T1.toISOString() } })
})

test('record changes: a missing or undefined value is null', () => {
  assert.equal(recordChanges({}, { role: 'admin' }), { before: { role: null }, after: { role: 'admin' } })
  assert.equal(recordChanges({ note: 'x' }, { note: undefined }), { before: { note: 'x' }, after: { note: null } })
  assert.equal(recordChanges({}, { gone: undefined }), { before: {}, after: {} })
  assert.equal(recordChanges({ a: null }, { a: null }), { before: {}, after: {} })
})

test('entries carry the actor (human, agent or API token), the entity as a string id, and the details', () => {
  assert.equal(auditEntry(tokenActor('tok-1'), 1, 'task', 17, 'status_synced', { reason: 'x' }, T0), {
    projectId: 1, entityType: 'task', entityId: '17', action: 'status_synced', actor: { type: 'api_token', id: 'tok-1' },
    details: { reason: 'x' }, createdAt: T0,
  })
  const byHuman = auditEntry(humanActor(7), 1, 'task', 3, 'rejected', { before: { status: 'review' }, after: { status: 'in_progress' }, reason: 'why' }, T1)
  assert.equal(byHuman.actor, { type: 'human', id: 7 })
  assert.is(byHuman.details.reason, 'why')
  const byAgent = auditEntry(agentActor(9), null, 'agent', 9, 'created', {}, T0)
  assert.equal(byAgent.actor, { type: 'agent', id: 9 })
  assert.is(byAgent.projectId, null)
  assert.is(byAgent.entityId, '9')
  assert.is(auditEntry(humanActor(), 1, 'api_token', 'uuid-1', 'token_created', {}, T0).entityId, 'uuid-1')
})

test('entity types and actions', () => {
  assert.equal([...AUDIT_ENTITY_TYPES], ['project', 'task', 'member', 'agent', 'api_token', 'integration', 'webhook'])
  for (const action of ['created', 'updated', 'deleted', 'status_changed', 'status_synced', 'progress_updated', 'assigned', 'unassigned',
    'approved', 'rejected', 'synced', 'member_added', 'role_changed', 'member_removed', 'token_created', 'token_revoked', 'integration_created', 'integration_deleted',
    'webhook_created', 'webhook_updated', 'webhook_disabled', 'webhook_deleted'] as const) {
    assert.ok(AUDIT_ACTIONS.includes(action), action)
  }
  assert.is(new Set(AUDIT_ACTIONS).size, AUDIT_ACTIONS.length)
})

test.run()
