import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createApiToken, DEFAULT_STATUS_MAP, effectiveStatusMap, isActive, isStale, isSyncSource, mapExternalStatus, revoke, SYNC_WARNINGS,
  validateStatusMap, validateSyncFields,
} from '../../src/domain/index.js'
import { fail, ok, paths } from '../support/either.js'
import { T0, T1, tokenMother } from '../support/domain-mothers.js'

test('the default status map of the contract', () => {
  assert.equal(DEFAULT_STATUS_MAP, { todo: 'pending', in_progress: 'in_progress', done: 'completed' })
})

test('status keys match case-insensitively, around spaces too', () => {
  const map = effectiveStatusMap({})
  assert.is(mapExternalStatus(map, 'DONE'), 'completed')
  assert.is(mapExternalStatus(map, ' Todo '), 'pending')
  assert.is(mapExternalStatus(map, 'In_Progress'), 'in_progress')
  assert.is(mapExternalStatus(map, 'Doing'), undefined)
  assert.is(mapExternalStatus(map, 'constructor'), undefined)
  assert.is(mapExternalStatus(map, '__proto__'), undefined)
})

test('a custom map is validated, lower-cased and laid over the default', () => {
  const custom = ok(validateStatusMap({ 'In Review': 'review', Done: 'cancelled' }))
  assert.equal(custom, { 'in review': 'review', done: 'cancelled' })
  const map = effectiveStatusMap(custom)
  assert.is(mapExternalStatus(map, 'in review'), 'review')
  assert.is(mapExternalStatus(map, 'done'), 'cancelled')
  assert.is(mapExternalStatus(map, 'todo'), 'pending')
})

test('status map values must be taskport statuses; keys 1..100; case duplicates must agree', () => {
  assert.equal(paths(fail(validateStatusMap({ Done: 'finished' }), 'ValidationFailed')), ['status_map.Done'])
  fail(validateStatusMap({ ' ': 'pending' }), 'ValidationFailed')
  fail(validateStatusMap({ ['k'.repeat(101)]: 'pending' }), 'ValidationFailed')
  fail(validateStatusMap({ Done: 'completed', DONE: 'cancelled' }), 'ValidationFailed')
  assert.equal(ok(validateStatusMap({ Done: 'completed', DONE: 'completed' })), { done: 'completed' })
  fail(validateStatusMap(Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`s${i}`, 'pending']))), 'ValidationFailed')
})

test('stale: strictly older than the last applied update', () => {
  assert.ok(isStale(T1, T0))
  assert.not.ok(isStale(T1, T1))
  assert.not.ok(isStale(T0, T1))
  assert.not.ok(isStale(null, T0))
  assert.not.ok(isStale(T1, undefined))
})

test('sync fields are validated with payload names', () => {
  ok(validateSyncFields({ externalId: 'PROJ-1', name: 'x', externalUrl: 'https://jira.example.com/browse/PROJ-1', labels: ['a'], storyPoints: 3 }))
  const error = fail(validateSyncFields({
    externalId: 'x'.repeat(256), name: '', description: 'd'.repeat(20_001), storyPoints: 0.2, labels: [''],
    externalUrl: 'javascript:alert(1)', assigneeEmail: 'nope', parentExternalId: 'p'.repeat(256),
  }), 'ValidationFailed')
  assert.equal([...paths(error)].sort(), [
    'assignee_email', 'description', 'external_id', 'external_url', 'labels.0', 'name', 'parent_external_id', 'story_points',
  ])
  fail(validateSyncFields({ externalId: '', name: 'x' }), 'ValidationFailed')
  fail(validateSyncFields({ externalId: 'a', name: 'x', externalUrl: 'not a url' }), 'ValidationFailed')
  fail(validateSyncFields({ externalId: 'a', name: 'x', externalUrl: `https://x.io/${'a'.repeat(2048)}` }), 'ValidationFailed')
})

test('sources and warnings', () => {
  for (const s of ['jira', 'linear', 'github', 'custom']) assert.ok(isSyncSource(s))
  assert.not.ok(isSyncSource('asana'))
  assert.is(SYNC_WARNINGS.stale, 'stale update ignored')
  assert.is(SYNC_WARNINGS.unmappedStatus('Doing', 'pending'), 'status "Doing" is not mapped; status left as pending')
  assert.match(SYNC_WARNINGS.pendingAssignee('a@b.c'), 'a@b.c')
  assert.match(SYNC_WARNINGS.pendingParent('P-1'), 'P-1')
  assert.match(SYNC_WARNINGS.parentCycle('P-1'), 'Circular reference detected')
})

test('API tokens: named, active until revoked; revoking twice keeps the first time', () => {
  const token = ok(createApiToken({ id: 'id', projectId: 1, name: 'jira', tokenHash: 'h', statusMap: {}, createdById: 7 }, T0))
  assert.is(token.revokedAt, null)
  assert.is(token.lastUsedAt, null)
  assert.ok(isActive(token))
  fail(createApiToken({ id: 'id', projectId: 1, name: '', tokenHash: 'h', statusMap: {}, createdById: 7 }, T0), 'ValidationFailed')
  const revoked = revoke(tokenMother(), T0)
  assert.equal(revoked.revokedAt, T0)
  assert.not.ok(isActive(revoked))
  assert.is(revoke(revoked, T1), revoked)
})

test.run()
