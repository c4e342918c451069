import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { assign } from '../../src/domain/assignment.js'
import type { DomainError } from '../../src/domain/errors.js'
import { setParent } from '../../src/domain/hierarchy.js'
import {
  changedFields, createTask, shortId, touch, TRACKED_FIELDS, updateTaskFields, type Task, type TaskPatch,
} from '../../src/domain/task.js'
import { SYNC_TASK_LIMITS, type Priority } from '../../src/domain/task-fields.js'
import type { TaskStatus } from '../../src/domain/task-status.js'
import { approve, changeStatus, enterStatus, reject, reportProgress } from '../../src/domain/task-workflow.js'
import { fail, ok, paths } from '../support/either.js'
import { T0, T1, T2, aTask, later } from '../support/builders.js'
import { STATUSES } from '../support/contract.js'

const origin = { projectId: 1, createdById: 7, now: T0 }
const tagsOf = (n: number): string[] => Array.from({ length: n }, (_, i) => `t${i}`)

test('a new task: pending, medium, version 1, 0 %, nothing else set', () => {
  assert.equal(ok(createTask({ title: 'Ship it' }, origin)), {
    projectId: 1, title: 'Ship it', description: null, status: 'pending', priority: 'medium', tags: [], dueDate: null,
    storyPoints: null, assigneeId: null, parentTaskId: null, progressPercent: 0, rollupProgressPercent: 0, version: 1,
    createdById: 7, startedAt: null, completedAt: null, createdAt: T0, updatedAt: T0,
  })
})

test('a new task keeps every given field, tags without duplicates', () => {
  const task = ok(createTask({
    title: 'Ship it', description: 'All of it', priority: 'urgent', tags: ['a', 'b', 'a'], dueDate: '2026-12-24', storyPoints: 2.5,
    assigneeId: 9, parentTaskId: 3,
  }, { projectId: 4, createdById: null, now: T1 }))
  assert.is(task.projectId, 4)
  assert.is(task.createdById, null)
  assert.is(task.description, 'All of it')
  assert.is(task.priority, 'urgent')
  assert.equal(task.tags, ['a', 'b'])
  assert.is(task.dueDate, '2026-12-24')
  assert.is(task.storyPoints, 2.5)
  assert.is(task.assigneeId, 9)
  assert.is(task.parentTaskId, 3)
  assert.equal(task.createdAt, T1)
})

test('task-sync creates tasks in another status, with that status side effects', () => {
  const backlog = ok(createTask({ title: 'x' }, { ...origin, status: 'backlog' }))
  assert.is(backlog.status, 'backlog')
  assert.is(backlog.startedAt, null)
  const started = ok(createTask({ title: 'x' }, { ...origin, status: 'in_progress' }))
  assert.equal(started.startedAt, T0)
  assert.is(started.completedAt, null)
  const done = ok(createTask({ title: 'x' }, { ...origin, status: 'completed' }))
  assert.equal(done.completedAt, T0)
  assert.is(done.progressPercent, 100)
  assert.is(done.rollupProgressPercent, 100)
  for (const status of STATUSES) {
    const task = ok(createTask({ title: 'x' }, { ...origin, status }))
    assert.is(task.completedAt !== null, status === 'completed', status)
    assert.is(task.startedAt !== null, status === 'in_progress', status)
  }
})

test('every bad field of a new task is reported at once, with its path', () => {
  const error = fail(createTask({
    title: ' ', priority: 'huge' as Priority, tags: [''], dueDate: '2026-02-30', storyPoints: -1, description: 'x'.repeat(20_001),
  }, origin), 'ValidationFailed')
  assert.equal([...paths(error)].sort(), ['description', 'due_date', 'priority', 'story_points', 'tags.0', 'title'])
  assert.equal(paths(fail(createTask({ title: 'x', tags: tagsOf(21) }, origin))), ['tags'])
  assert.equal(paths(fail(createTask({ title: 'x'.repeat(501) }, origin))), ['title'])
})

test('update: only the given fields change, null clears, version +1 once, updated_at moves', () => {
  const task = aTask({ description: 'old', dueDate: '2026-12-01', storyPoints: 3, version: 2 })
  const next = ok(updateTaskFields(task, { title: 'New', description: null, tags: ['x', 'x'], priority: 'high' }, T1))
  assert.equal(next, { ...task, title: 'New', description: null, tags: ['x'], priority: 'high', version: 3, updatedAt: T1 })
  const cleared = ok(updateTaskFields(task, { dueDate: null, storyPoints: null }, T1))
  assert.is(cleared.dueDate, null)
  assert.is(cleared.storyPoints, null)
  assert.is(cleared.description, 'old')
})

test('update that changes nothing returns the very same task', () => {
  const task = aTask({ tags: ['a'], description: 'd', dueDate: '2026-12-01' })
  assert.is(ok(updateTaskFields(task, {}, T1)), task)
  assert.is(ok(updateTaskFields(task, { title: task.title, tags: ['a', 'a'], description: 'd', dueDate: '2026-12-01' }, T1)), task)
})

test('update validates what it is given, every field at once', () => {
  const task = aTask()
  const error = fail(updateTaskFields(task, {
    title: '', description: 'x'.repeat(20_001), priority: 'x' as Priority, tags: ['x'.repeat(51)], dueDate: '2026-02-31', storyPoints: 0.1,
  }, T1), 'ValidationFailed')
  assert.equal([...paths(error)].sort(), ['description', 'due_date', 'priority', 'story_points', 'tags.0', 'title'])
})

test('limits count characters (code points): 500 emoji are a valid title, 30-emoji tags are valid', () => {
  ok(createTask({ title: '😀'.repeat(500), tags: ['🏷️'.repeat(25)], description: '😀'.repeat(20_000) }, origin))
  assert.equal(paths(fail(createTask({ title: '😀'.repeat(501) }, origin))), ['title'])
  assert.equal(paths(fail(createTask({ title: 'x', tags: ['😀'.repeat(51)] }, origin))), ['tags.0'])
})

test('update checks only what it changes: values beyond the user limits that the task already holds are kept', () => {
  const synced = ok(createTask({ title: 'From GitHub', description: 'd'.repeat(60_000), tags: tagsOf(30), storyPoints: 0.25 }, origin, SYNC_TASK_LIMITS))
  const task: Task = { ...synced, id: 1, number: 1 }
  const renamed = ok(updateTaskFields(task, { title: 'Renamed', description: task.description, tags: [...task.tags], storyPoints: 0.25 }, T1))
  assert.is(renamed.title, 'Renamed')
  assert.is(renamed.description, task.description)
  assert.equal(renamed.tags, task.tags)
  assert.equal(paths(fail(updateTaskFields(task, { description: `${task.description}!` }, T1))), ['description'])
  assert.equal(paths(fail(updateTaskFields(task, { tags: tagsOf(29) }, T1))), ['tags'])
  assert.equal(paths(fail(updateTaskFields(task, { storyPoints: 0.3 }, T1))), ['story_points'])
  assert.equal(paths(fail(createTask({ title: 'x', storyPoints: 0.25 }, origin))), ['story_points'], 'users keep their limits')
})

test('the tracked fields are the ones whose change is a change of the task', () => {
  assert.equal([...TRACKED_FIELDS], [
    'title', 'description', 'status', 'priority', 'tags', 'dueDate', 'storyPoints', 'assigneeId', 'parentTaskId',
    'progressPercent', 'startedAt', 'completedAt',
  ])
})

test('changedFields: each tracked field, dates and tags compared by value; bookkeeping fields ignored', () => {
  const task = aTask({ startedAt: T0, tags: ['a'] })
  const edits: Array<[Partial<Task>, string]> = [
    [{ title: 'Other' }, 'title'], [{ description: 'd' }, 'description'], [{ status: 'blocked' }, 'status'],
    [{ priority: 'low' }, 'priority'], [{ tags: ['b'] }, 'tags'], [{ tags: ['a', 'b'] }, 'tags'], [{ dueDate: '2027-01-01' }, 'dueDate'],
    [{ storyPoints: 1 }, 'storyPoints'], [{ assigneeId: 7 }, 'assigneeId'], [{ parentTaskId: 2 }, 'parentTaskId'],
    [{ progressPercent: 5 }, 'progressPercent'], [{ startedAt: T1 }, 'startedAt'], [{ startedAt: null }, 'startedAt'],
    [{ completedAt: T1 }, 'completedAt'],
  ]
  for (const [edit, field] of edits) assert.equal(changedFields(task, { ...task, ...edit }), [field], JSON.stringify(edit))
  assert.equal(changedFields(task, { ...task, startedAt: new Date(T0.getTime()), tags: ['a'] }), [])
  assert.equal(changedFields(task, { ...task, version: 9, updatedAt: T2, rollupProgressPercent: 50 }), [])
  assert.equal(changedFields(task, { ...task, title: 'x', priority: 'high' }), ['title', 'priority'])
})

test('touch: a change bumps the version once and moves updated_at; no change is the same object', () => {
  const task = aTask({ version: 4 })
  assert.equal(touch(task, { ...task, title: 'x' }, T1), { ...task, title: 'x', version: 5, updatedAt: T1 })
  assert.is(touch(task, { ...task }, T1), task)
  assert.is(touch(task, { ...task, rollupProgressPercent: 80 }, T1), task)
})

test('short id is KEY-number', () => {
  assert.is(shortId('TF', { number: 12 }), 'TF-12')
  assert.is(shortId('WA', aTask({ number: 1 })), 'WA-1')
})

// --- property: the version counts effective changes -----------------------------------------------------------

type Op =
  | { readonly kind: 'fields'; readonly patch: TaskPatch }
  | { readonly kind: 'status'; readonly to: TaskStatus }
  | { readonly kind: 'sync'; readonly to: TaskStatus }
  | { readonly kind: 'approve' }
  | { readonly kind: 'reject'; readonly reason: string }
  | { readonly kind: 'progress'; readonly percent: number }
  | { readonly kind: 'assign'; readonly assigneeId: number | null }
  | { readonly kind: 'parent'; readonly parentTaskId: number | null }

const patchArb: fc.Arbitrary<TaskPatch> = fc.record({
  title: fc.constantFrom('Write the docs', 'Ship it', ''),
  description: fc.constantFrom(null, 'd', 'e'),
  priority: fc.constantFrom<Priority>('low', 'medium', 'high'),
  tags: fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 4 }),
  dueDate: fc.constantFrom(null, '2026-12-01', '2026-02-30'),
  storyPoints: fc.constantFrom(null, 3, 3.5, 0.2),
}, { requiredKeys: [] })

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('fields' as const), patch: patchArb }),
  fc.record({ kind: fc.constant('status' as const), to: fc.constantFrom(...STATUSES) }),
  fc.record({ kind: fc.constant('sync' as const), to: fc.constantFrom(...STATUSES) }),
  fc.constant({ kind: 'approve' as const }),
  fc.record({ kind: fc.constant('reject' as const), reason: fc.constantFrom('why', '') }),
  fc.record({ kind: fc.constant('progress' as const), percent: fc.integer({ min: -5, max: 105 }) }),
  fc.record({ kind: fc.constant('assign' as const), assigneeId: fc.constantFrom(null, 7, 8) }),
  fc.record({ kind: fc.constant('parent' as const), parentTaskId: fc.constantFrom(null, 2, 3) }),
)

const apply = (task: Task, op: Op, now: Date): E.Either<DomainError, Task> => {
  switch (op.kind) {
    case 'fields': return updateTaskFields(task, op.patch, now)
    case 'status': return changeStatus(task, op.to, now)
    case 'sync': return E.right(enterStatus(task, op.to, now))
    case 'approve': return approve(task, now)
    case 'reject': return reject(task, op.reason, now)
    case 'progress': return reportProgress(task, op.percent, now)
    case 'assign': return E.right(assign(task, op.assigneeId, now))
    case 'parent': return E.right(setParent(task, op.parentTaskId, now))
  }
}

/** Everything a change can touch except the bookkeeping (version, updated_at) and the derived rollup. */
const content = (task: Task): string => {
  const { version: _v, updatedAt: _u, rollupProgressPercent: _r, ...rest } = task
  return JSON.stringify(rest)
}

test('property: the version goes up by exactly one per effective change, and not at all otherwise', () => {
  fc.assert(
    fc.property(fc.constantFrom(...STATUSES), fc.array(opArb, { maxLength: 50 }), (start, ops) => {
      const first = aTask({ status: start, version: 1 })
      let task = first
      let effective = 0
      for (const [i, op] of ops.entries()) {
        const now = later(i + 1, T1)
        const result = apply(task, op, now)
        if (E.isLeft(result)) continue
        const next = result.right
        if (content(next) === content(task)) {
          assert.is(next, task, `no change must return the same object: ${JSON.stringify(op)}`)
        } else {
          effective += 1
          assert.is(next.version, task.version + 1, JSON.stringify(op))
          assert.equal(next.updatedAt, now)
        }
        task = next
      }
      assert.is(task.version, first.version + effective)
    }),
    { numRuns: 500 },
  )
})

test.run()
