import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AUDIT_ACTIONS, auditEntry, hasChanges, recordChanges, taskChanges, taskSnapshot } from '../../src/domain/index.js'
import { T0, T1, taskMother } from '../support/domain-mothers.js'

test('task changes hold only the changed fields, by their wire names, dates as ISO strings', () => {
  const before = taskMother({ status: 'pending', storyPoints: 3 })
  const after = { ...before, status: 'in_progress' as const, startedAt: T1, storyPoints: 5, version: 2, updatedAt: T1 }
  assert.equal(taskChanges(before, after), {
    before: { status: 'pending', story_points: 3, started_at: null },
    after: { status: 'in_progress', story_points: 5, started_at: T1.toISOString() },
  })
})

test('no change, no fields', () => {
  const task = taskMother()
  const changes = taskChanges(task, { ...task, version: 9 })
  assert.equal(changes, { before: {}, after: {} })
  assert.not.ok(hasChanges(changes))
})

test('a snapshot has every tracked field in wire names', () => {
  const snapshot = taskSnapshot(taskMother({ tags: ['a'], dueDate: '2026-12-01', assigneeId: 7 }))
  assert.equal(Object.keys(snapshot).sort(), [
    'assignee_id', 'completed_at', 'description', 'due_date', 'parent_task_id', 'priority', 'progress_percent', 'started_at',
    'status', 'story_points', 'tags', 'title',
  ])
  assert.is(snapshot.due_date, '2026-12-01')
  assert.equal(snapshot.tags, ['a'])
})

test('record changes compare by value and keep only differing keys', () => {
  const changes = recordChanges({ name: 'a', tags: ['x'], when: T0 }, { name: 'b', tags: ['x'], when: new Date(T0.getTime()) })
  assert.equal(changes, { before: { name: 'a' }, after: { name: 'b' } })
  assert.ok(hasChanges(changes))
  assert.equal(recordChanges({}, { gone: undefined }), { before: {}, after: {} })
})

test('entries carry the actor (human, agent or API token), the entity and the details', () => {
  const byToken = auditEntry({ type: 'api_token', id: 'tok-1' }, 1, 'task', 17, 'status_synced', { reason: 'x' }, T0)
  assert.equal(byToken, {
    projectId: 1, entityType: 'task', entityId: '17', action: 'status_synced', actor: { type: 'api_token', id: 'tok-1' },
    details: { reason: 'x' }, createdAt: T0,
  })
  assert.is(auditEntry({ type: 'agent', id: 9 }, null, 'agent', 9, 'created', {}, T0).actor.type, 'agent')
  assert.ok(AUDIT_ACTIONS.includes('status_synced'))
})

test.run()
