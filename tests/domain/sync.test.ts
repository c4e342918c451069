import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  DEFAULT_STATUS_MAP, effectiveStatusMap, fitSyncFields, isStale, mapExternalStatus, SYNC_WARNINGS, validateStatusMap, validateSyncIdentity,
  type SyncFields,
} from '../../src/domain/sync.js'
import { SYNC_TASK_LIMITS } from '../../src/domain/task-fields.js'
import { charCount } from '../../src/domain/text.js'
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

test('sync identity: a minimal and a full push are valid; the value comes back as given', () => {
  assert.is(ok(validateSyncIdentity(valid)), valid)
  const full = {
    externalId: 'PROJ-123', name: 'Fix login', description: 'Details', storyPoints: 3, labels: ['backend', 'backend'],
    externalUrl: 'https://jira.example.com/browse/PROJ-123', assigneeEmail: 'Sarah@Example.com', parentExternalId: 'PROJ-001',
  }
  assert.is(ok(validateSyncIdentity(full)), full)
  ok(validateSyncIdentity({ externalId: 'PROJ-1' }))
})

test('sync identity: external_id 1..255 characters (code points), a name that is not blank, parent id at most 255', () => {
  ok(validateSyncIdentity({ ...valid, externalId: 'x'.repeat(255) }))
  ok(validateSyncIdentity({ ...valid, externalId: '😀'.repeat(255) }))
  assert.equal(paths(fail(validateSyncIdentity({ ...valid, externalId: 'x'.repeat(256) }))), ['external_id'])
  assert.equal(paths(fail(validateSyncIdentity({ ...valid, externalId: '' }))), ['external_id'])
  assert.equal(paths(fail(validateSyncIdentity({ ...valid, externalId: '   ' }))), ['external_id'])
  assert.equal(fail(validateSyncIdentity({ ...valid, name: ' ' })), {
    _tag: 'ValidationFailed', issues: [{ path: 'name', message: 'must be a non-empty string' }],
  })
  ok(validateSyncIdentity({ ...valid, name: 'n'.repeat(100_000) }))
  assert.equal(paths(fail(validateSyncIdentity({ ...valid, parentExternalId: 'p'.repeat(256) }))), ['parent_external_id'])
  assert.equal(paths(fail(validateSyncIdentity({ ...valid, parentExternalId: '  ' }))), ['parent_external_id'])
  ok(validateSyncIdentity({ ...valid, parentExternalId: 'p'.repeat(255) }))
})

test('sync content: what fits comes back as it is, with no warning', () => {
  const full: SyncFields = {
    externalId: 'PROJ-123', name: '😀'.repeat(256), description: '😀'.repeat(65_536), storyPoints: -2.25,
    labels: Array.from({ length: 100 }, (_, i) => `${'🏷️'.repeat(10)}${i}`), externalUrl: 'http://localhost:8080/x',
    assigneeEmail: 'Sarah@Example.com', parentExternalId: 'PROJ-001',
  }
  const fitted = fitSyncFields(full)
  assert.equal(fitted.warnings, [])
  assert.equal(fitted.fields, full)
  assert.equal(fitSyncFields(valid), { fields: valid, warnings: [] })
  assert.equal(fitSyncFields({ ...valid, labels: null }).fields.labels, [], 'null labels clear the tags')
  assert.equal(fitSyncFields({ ...valid, description: null, storyPoints: null, externalUrl: null, assigneeEmail: null }).warnings, [])
})

test('sync content: over-long text is cut at a grapheme boundary and said so; limits count code points', () => {
  const name = fitSyncFields({ ...valid, name: `${'a'.repeat(498)}👨‍👩‍👧x` })
  assert.is(name.fields.name, `${'a'.repeat(498)}…`, 'the family emoji is not split')
  assert.equal(name.warnings, [`name truncated from ${498 + 5 + 1} to ${SYNC_TASK_LIMITS.title} characters`])
  const long = '😀'.repeat(SYNC_TASK_LIMITS.description + 10)
  const description = fitSyncFields({ ...valid, description: long })
  assert.is(charCount(description.fields.description ?? ''), SYNC_TASK_LIMITS.description)
  assert.ok(description.fields.description?.endsWith('😀…'))
  assert.equal(description.warnings, [`description truncated from ${SYNC_TASK_LIMITS.description + 10} to ${SYNC_TASK_LIMITS.description} characters`])
})

test('sync content: labels are cut, blank ones dropped, duplicates merged, the count capped; each said once', () => {
  const long = 'L'.repeat(300)
  const fitted = fitSyncFields({ ...valid, labels: ['ok', ' ', long, `${'L'.repeat(255)}other`, 'ok'] })
  assert.equal(fitted.fields.labels, ['ok', 'L'.repeat(255)])
  assert.equal(fitted.warnings, [
    'a blank label was dropped',
    `label ${JSON.stringify(`${'L'.repeat(39)}…`)} truncated from 300 to 255 characters`,
    `label ${JSON.stringify(`${'L'.repeat(39)}…`)} truncated from 260 to 255 characters`,
  ])
  const many = fitSyncFields({ ...valid, labels: Array.from({ length: 250 }, (_, i) => `l${i}`) })
  assert.equal(many.fields.labels, Array.from({ length: 200 }, (_, i) => `l${i}`))
  assert.equal(many.warnings, ['250 labels given; the first 200 were kept'])
})

test('sync content: values that cannot be stored are left out (the task keeps its value), with a warning', () => {
  for (const url of ['javascript:alert(1)', 'ftp://x.io/a', 'file:///etc/passwd', 'not a url', '', 'x.io/a', `https://x.io/${'a'.repeat(2048)}`]) {
    const fitted = fitSyncFields({ ...valid, externalUrl: url })
    assert.ok(!('externalUrl' in fitted.fields), url)
    assert.equal(fitted.warnings, ['external_url is not an http(s) URL of at most 2048 characters; left as it is'])
  }
  for (const url of ['https://x.io/a', 'http://x.io', 'HTTPS://X.IO/']) assert.equal(fitSyncFields({ ...valid, externalUrl: url }).warnings, [], url)
  const email = fitSyncFields({ ...valid, assigneeEmail: 'nope' })
  assert.ok(!('assigneeEmail' in email.fields))
  assert.equal(email.warnings, ['assignee_email "nope" is not an email address; the assignee is left as it is'])
  const points = fitSyncFields({ ...valid, storyPoints: Number.POSITIVE_INFINITY })
  assert.ok(!('storyPoints' in points.fields))
  assert.equal(points.warnings, ['story_points is not a finite number; left as it is'])
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
