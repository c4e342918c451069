import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  changedFields, checkDueDate, checkPercent, checkStoryPoints, checkTags, createTask, isPriority, normalizeTags, shortId, touch,
  updateTaskFields,
} from '../../src/domain/index.js'
import { fail, ok, paths } from '../support/either.js'
import { T0, T1, taskMother } from '../support/domain-mothers.js'

const origin = { projectId: 1, createdById: 7, now: T0 }

test('a new task is pending, medium, version 1, 0 %', () => {
  const task = ok(createTask({ title: 'Ship it' }, origin))
  assert.is(task.status, 'pending')
  assert.is(task.priority, 'medium')
  assert.is(task.version, 1)
  assert.is(task.progressPercent, 0)
  assert.is(task.rollupProgressPercent, 0)
  assert.equal(task.tags, [])
  assert.is(task.startedAt, null)
})

test('a new task can start in another status with that status side effects (task-sync)', () => {
  const done = ok(createTask({ title: 'x' }, { ...origin, status: 'completed' }))
  assert.equal(done.completedAt, T0)
  assert.is(done.progressPercent, 100)
  assert.is(done.rollupProgressPercent, 100)
  const started = ok(createTask({ title: 'x' }, { ...origin, status: 'in_progress' }))
  assert.equal(started.startedAt, T0)
  assert.is(ok(createTask({ title: 'x' }, { ...origin, status: 'backlog' })).status, 'backlog')
})

test('every bad field is reported at once, with its path', () => {
  const error = fail(
    createTask(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      { title: ' ', priority: 'huge' as never, tags: [''], dueDate: '2026-02-30', storyPoints: -1, description: 'x'.repeat(20_001) },
      origin,
    ),
    'ValidationFailed',
  )
  assert.equal([...paths(error)].sort(), ['description', 'due_date', 'priority', 'story_points', 'tags.0', 'title'])
})

test('title: 1..500 characters, not only spaces', () => {
  ok(createTask({ title: 'x'.repeat(500) }, origin))
  fail(createTask({ title: 'x'.repeat(501) }, origin), 'ValidationFailed')
  fail(createTask({ title: '' }, origin), 'ValidationFailed')
})

test('priority values', () => {
  for (const p of ['low', 'medium', 'high', 'urgent']) assert.ok(isPriority(p))
  assert.not.ok(isPriority('critical'))
})

test('tags: up to 20 distinct tags of 1..50 characters, duplicates dropped in order', () => {
  assert.equal(normalizeTags(['b', 'a', 'b']), ['b', 'a'])
  assert.equal(checkTags(Array.from({ length: 20 }, (_, i) => `t${i}`)), [])
  assert.equal(checkTags([...Array.from({ length: 20 }, (_, i) => `t${i}`), 't0']), [])
  assert.equal(paths({ _tag: 'ValidationFailed', issues: checkTags(Array.from({ length: 21 }, (_, i) => `t${i}`)) }), ['tags'])
  assert.equal(checkTags(['x'.repeat(50)]), [])
  assert.is(checkTags(['x'.repeat(51)]).length, 1)
  assert.is(checkTags(['   ']).length, 1)
  assert.equal(ok(createTask({ title: 'x', tags: ['a', 'a', 'b'] }, origin)).tags, ['a', 'b'])
})

test('due date: an existing calendar date YYYY-MM-DD from 1900 on', () => {
  for (const good of ['2026-11-22', '2024-02-29', '1900-01-01', '9999-12-31']) assert.equal(checkDueDate(good), [], good)
  for (const bad of ['2026-02-29', '2026-13-01', '2026-11-31', '26-11-22', '2026-11-22T10:00:00Z', '1899-12-31', '']) {
    assert.is(checkDueDate(bad).length, 1, bad)
  }
  assert.equal(checkDueDate(null), [])
})

test('story points: 0..1000 in steps of 0.5', () => {
  for (const good of [0, 0.5, 3, 13, 1000, null]) assert.equal(checkStoryPoints(good), [], String(good))
  for (const bad of [-0.5, 1000.5, 0.3, Number.POSITIVE_INFINITY, Number.NaN]) assert.is(checkStoryPoints(bad).length, 1, String(bad))
})

test('percent: integer 0..100', () => {
  assert.equal(checkPercent(0), [])
  assert.equal(checkPercent(100), [])
  assert.is(checkPercent(101).length, 1)
})

test('update: only given fields change, null clears, version +1 once', () => {
  const task = taskMother({ description: 'old', dueDate: '2026-12-01', storyPoints: 3, version: 2 })
  const next = ok(updateTaskFields(task, { title: 'New', description: null, tags: ['x', 'x'], priority: 'high' }, T1))
  assert.is(next.title, 'New')
  assert.is(next.description, null)
  assert.equal(next.tags, ['x'])
  assert.is(next.priority, 'high')
  assert.is(next.dueDate, '2026-12-01')
  assert.is(next.storyPoints, 3)
  assert.is(next.version, 3)
  assert.equal(next.updatedAt, T1)
})

test('update that changes nothing returns the very same task', () => {
  const task = taskMother({ tags: ['a'] })
  assert.is(ok(updateTaskFields(task, { title: task.title, tags: ['a'] }, T1)), task)
})

test('update validates what it changes', () => {
  fail(updateTaskFields(taskMother(), { title: '' }, T1), 'ValidationFailed')
  fail(updateTaskFields(taskMother(), { dueDate: '2026-02-31' }, T1), 'ValidationFailed')
  fail(updateTaskFields(taskMother(), { storyPoints: 0.1 }, T1), 'ValidationFailed')
  fail(updateTaskFields(taskMother(), { priority: 'x' as never }, T1), 'ValidationFailed')
  fail(updateTaskFields(taskMother(), { tags: ['x'.repeat(51)] }, T1), 'ValidationFailed')
})

test('changedFields and touch compare dates and arrays by value', () => {
  const task = taskMother({ startedAt: T0, tags: ['a'] })
  assert.equal(changedFields(task, { ...task, startedAt: new Date(T0.getTime()), tags: ['a'] }), [])
  assert.equal(changedFields(task, { ...task, tags: ['b'] }), ['tags'])
  assert.is(touch(task, { ...task, tags: ['a'] }, T1), task)
})

test('short id is KEY-number', () => {
  assert.is(shortId('TF', { number: 12 }), 'TF-12')
})

test.run()
