import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  DEFAULT_STATUS_MAP, effectiveStatusMap, isStale, mapExternalStatus, SYNC_WARNINGS, validateStatusMap, validateSyncFields,
  type SyncFields,
} from '../../src/domain/sync.js'
import { fail, ok, paths } from '../support/either.js'
import { T0, T1, later } from '../support/builders.js'
import { STATUSES } from '../support/contract.js'

test('the default status map of the contract', () => {
  assert.equal(DEFAULT_STATUS_MAP, { todo: 'pending', in_progress: 'in_progress', done: 'completed' })
})

test('a custom map: values must be taskport statuses', () => {
  assert.equal(ok(validateStatusMap({})), {})
  for (const status of STATUSES) assert.equal(ok(validateStatusMap({ ext: status })), { ext: status })
  const error = fail(validateStatusMap({ Done: 'finished', ok: 'pending', Doing: 'In_Progress' }), 'ValidationFailed')
  const message = 'must be one of backlog, pending, in_progress, review, blocked, completed, cancelled'
  assert.equal(error, {
    _tag: 'ValidationFailed',
    issues: [{ path: 'status_map.Done', message }, { path: 'status_map.Doing', message }],
  })
  assert.equal(paths(fail(validateStatusMap({ x: 'nope' }, 'settings.status_map'))), ['settings.status_map.x'])
})

test('a custom map: keys are stored trimmed and lower-cased', () => {
  assert.equal(ok(validateStatusMap({ 'In Review': 'review', ' Done ': 'cancelled', BLOCKED: 'blocked' })), {
    'in review': 'review', done: 'cancelled', blocked: 'blocked',
  })
})

test('a custom map: keys 1..100 characters, not blank', () => {
  const message = 'keys must be 1..100 characters'
  assert.equal(fail(validateStatusMap({ '': 'pending' })), { _tag: 'ValidationFailed', issues: [{ path: 'status_map.', message }] })
  assert.equal(paths(fail(validateStatusMap({ '  ': 'pending' }))), ['status_map.  '])
  assert.equal(paths(fail(validateStatusMap({ ['k'.repeat(101)]: 'pending' }))), [`status_map.${'k'.repeat(101)}`])
  ok(validateStatusMap({ ['k'.repeat(100)]: 'pending' }))
})

test('a custom map: keys that differ only in case must agree', () => {
  const error = fail(validateStatusMap({ Done: 'completed', DONE: 'cancelled' }), 'ValidationFailed')
  assert.equal(error, {
    _tag: 'ValidationFailed',
    issues: [{ path: 'status_map.DONE', message: 'maps a status that another key already maps differently (keys ignore case)' }],
  })
  assert.equal(ok(validateStatusMap({ Done: 'completed', DONE: 'completed', ' done': 'completed' })), { done: 'completed' })
})

test('a custom map: at most 200 entries', () => {
  const entries = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, 'pending']))
  ok(validateStatusMap(entries(200)))
  assert.equal(fail(validateStatusMap(entries(201))), {
    _tag: 'ValidationFailed', issues: [{ path: 'status_map', message: 'must have at most 200 entries' }],
  })
})

test('a custom map: external names that are also Object.prototype names are plain keys', () => {
  const map = ok(validateStatusMap({ Constructor: 'review', toString: 'blocked', hasOwnProperty: 'pending' }))
  assert.equal(map, { constructor: 'review', tostring: 'blocked', hasownproperty: 'pending' })
  assert.is(mapExternalStatus(effectiveStatusMap(map), 'constructor'), 'review')
  // A JSON body can carry a "__proto__" key; it is an external status name like any other.
  const proto = ok(validateStatusMap(JSON.parse('{"__proto__": "cancelled"}') as Record<string, string>))
  assert.ok(Object.prototype.hasOwnProperty.call(proto, '__proto__'))
  assert.is(mapExternalStatus(effectiveStatusMap(proto), '__PROTO__'), 'cancelled')
  assert.is(mapExternalStatus(effectiveStatusMap(proto), 'done'), 'completed')
})

test('the effective map is the default overlaid with the custom one', () => {
  assert.equal(effectiveStatusMap({}), DEFAULT_STATUS_MAP)
  assert.equal(effectiveStatusMap({ done: 'review', 'in review': 'review' }), {
    todo: 'pending', in_progress: 'in_progress', done: 'review', 'in review': 'review',
  })
})

test('external statuses match case-insensitively and around spaces', () => {
  const map = effectiveStatusMap({})
  assert.is(mapExternalStatus(map, 'DONE'), 'completed')
  assert.is(mapExternalStatus(map, ' Todo '), 'pending')
  assert.is(mapExternalStatus(map, 'In_Progress'), 'in_progress')
  assert.is(mapExternalStatus(map, 'todo'), 'pending')
  const custom = effectiveStatusMap(ok(validateStatusMap({ 'In Review': 'review' })))
  assert.is(mapExternalStatus(custom, 'IN REVIEW'), 'review')
  assert.is(mapExternalStatus(custom, '\tin review\n'), 'review')
})

test('an unmapped status maps to undefined, inherited names included', () => {
  const map = effectiveStatusMap({})
  for (const external of ['Doing', '', 'in progress', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    assert.is(mapExternalStatus(map, external), undefined, external)
  }
})

test('property: any case and padding of a mapped key maps to its status', () => {
  const map = effectiveStatusMap(ok(validateStatusMap({ 'In Review': 'review', Blocked: 'blocked' })))
  fc.assert(fc.property(
    fc.constantFrom(...Object.keys(map)),
    fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
    fc.constantFrom('', ' ', '  ', '\t'), fc.constantFrom('', ' ', '\n'),
    (key, upper, left, right) => {
      const cased = [...key].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('')
      assert.is(mapExternalStatus(map, `${left}${cased}${right}`), map[key])
    },
  ))
})

test('stale: strictly older than the last applied update', () => {
  assert.ok(isStale(T1, T0))
  assert.ok(isStale(T1, later(-1, T1)))
  assert.not.ok(isStale(T1, new Date(T1.getTime())))
  assert.not.ok(isStale(T0, T1))
  assert.not.ok(isStale(null, T0))
  assert.not.ok(isStale(T1, undefined))
  assert.not.ok(isStale(null, undefined))
})

const valid: SyncFields = { externalId: 'PROJ-1', name: 'Fix login' }

test('sync fields: a minimal and a full push are valid; the value comes back as given', () => {
  assert.is(ok(validateSyncFields(valid)), valid)
  const full = {
    externalId: 'PROJ-123', name: 'Fix login', description: 'Details', storyPoints: 3, labels: ['backend', 'backend'],
    externalUrl: 'https://jira.example.com/browse/PROJ-123', assigneeEmail: 'Sarah@Example.com', parentExternalId: 'PROJ-001',
  }
  assert.is(ok(validateSyncFields(full)), full)
  ok(validateSyncFields({ ...valid, externalUrl: 'http://localhost:8080/x', description: null, storyPoints: null, assigneeEmail: null }))
})

test('sync fields: external_id 1..255 characters', () => {
  ok(validateSyncFields({ ...valid, externalId: 'x'.repeat(255) }))
  assert.equal(paths(fail(validateSyncFields({ ...valid, externalId: 'x'.repeat(256) }))), ['external_id'])
  assert.equal(paths(fail(validateSyncFields({ ...valid, externalId: '' }))), ['external_id'])
  assert.equal(paths(fail(validateSyncFields({ ...valid, externalId: '   ' }))), ['external_id'])
})

test('sync fields: name required (as a title), labels as tags', () => {
  assert.equal(fail(validateSyncFields({ ...valid, name: '' })), {
    _tag: 'ValidationFailed', issues: [{ path: 'name', message: 'must be a non-empty string' }],
  })
  assert.equal(paths(fail(validateSyncFields({ ...valid, name: 'n'.repeat(501) }))), ['name'])
  assert.equal(paths(fail(validateSyncFields({ ...valid, labels: ['ok', ''] }))), ['labels.1'])
  assert.equal(paths(fail(validateSyncFields({ ...valid, labels: Array.from({ length: 21 }, (_, i) => `l${i}`) }))), ['labels'])
})

test('sync fields: external_url must be an http(s) URL of at most 2048 characters', () => {
  for (const url of ['https://x.io/a', 'http://x.io', 'HTTPS://X.IO/']) ok(validateSyncFields({ ...valid, externalUrl: url }))
  for (const url of ['javascript:alert(1)', 'ftp://x.io/a', 'file:///etc/passwd', 'not a url', '', 'x.io/a']) {
    assert.equal(fail(validateSyncFields({ ...valid, externalUrl: url })), {
      _tag: 'ValidationFailed', issues: [{ path: 'external_url', message: 'must be an http(s) URL' }],
    }, url)
  }
  assert.equal(fail(validateSyncFields({ ...valid, externalUrl: `https://x.io/${'a'.repeat(2048)}` })), {
    _tag: 'ValidationFailed', issues: [{ path: 'external_url', message: 'must be at most 2048 characters' }],
  })
})

test('sync fields: assignee_email must be an email; parent_external_id at most 255', () => {
  assert.equal(paths(fail(validateSyncFields({ ...valid, assigneeEmail: 'nope' }))), ['assignee_email'])
  assert.equal(paths(fail(validateSyncFields({ ...valid, parentExternalId: 'p'.repeat(256) }))), ['parent_external_id'])
  assert.equal(paths(fail(validateSyncFields({ ...valid, parentExternalId: '  ' }))), ['parent_external_id'])
  ok(validateSyncFields({ ...valid, parentExternalId: 'p'.repeat(255) }))
})

test('sync fields: every bad field reported at once, by its payload name', () => {
  const error = fail(validateSyncFields({
    externalId: 'x'.repeat(256), name: '', description: 'd'.repeat(20_001), storyPoints: 0.2, labels: [''],
    externalUrl: 'javascript:alert(1)', assigneeEmail: 'nope', parentExternalId: 'p'.repeat(256),
  }), 'ValidationFailed')
  assert.equal([...paths(error)].sort(), [
    'assignee_email', 'description', 'external_id', 'external_url', 'labels.0', 'name', 'parent_external_id', 'story_points',
  ])
})

test('the warnings of a sync response, word for word', () => {
  assert.is(SYNC_WARNINGS.stale, 'stale update ignored')
  assert.is(SYNC_WARNINGS.unmappedStatus('Doing', 'pending'), 'status "Doing" is not mapped; status left as pending')
  assert.is(
    SYNC_WARNINGS.pendingAssignee('sarah@example.com'),
    'assignee sarah@example.com is not a member of this project; assignment pending until they are added',
  )
  assert.is(SYNC_WARNINGS.pendingParent('PROJ-001'), 'parent PROJ-001 not found; the task stays top-level until the parent arrives')
  assert.is(SYNC_WARNINGS.parentCycle('PROJ-001'), 'parent PROJ-001 not attached: Circular reference detected')
})

test.run()
