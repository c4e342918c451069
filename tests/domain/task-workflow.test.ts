import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  allowedTargets, approve, canTransition, changeStatus, checkVersion, enterStatus, reject, reportProgress, TASK_STATUSES,
  TRANSITIONS, describeDomainError, type Task, type TaskStatus,
} from '../../src/domain/index.js'
import { fail, ok } from '../support/either.js'
import { T0, T1, taskMother } from '../support/domain-mothers.js'

// The contract's table, written out again on purpose: the code must match this, not itself.
const TABLE: Record<TaskStatus, TaskStatus[]> = {
  backlog: ['pending', 'in_progress', 'cancelled'],
  pending: ['in_progress', 'blocked', 'backlog', 'cancelled'],
  in_progress: ['review', 'completed', 'blocked', 'pending'],
  review: ['completed', 'in_progress'],
  blocked: ['in_progress', 'pending', 'cancelled'],
  completed: ['in_progress'],
  cancelled: ['backlog', 'pending'],
}

test('the transition table is the contract table', () => {
  assert.equal(TRANSITIONS, TABLE)
})

test('a plain status change allows exactly the table edges, never out of review', () => {
  for (const from of TASK_STATUSES) {
    for (const to of TASK_STATUSES) {
      const result = changeStatus(taskMother({ status: from }), to, T1)
      const expected = from !== 'review' && TABLE[from].includes(to)
      assert.is(result._tag === 'Right', expected, `${from} -> ${to}`)
      if (result._tag === 'Left') {
        const error = fail(result, 'InvalidTransition')
        if (error._tag === 'InvalidTransition') {
          assert.equal(error.allowed, from === 'review' ? [] : TABLE[from])
          assert.is(error.from, from)
          assert.is(error.to, to)
        }
      }
    }
  }
})

test('review leaves only through approve or reject, and the message says so', () => {
  const error = fail(changeStatus(taskMother({ status: 'review' }), 'completed', T1), 'InvalidTransition')
  assert.is(
    describeDomainError(error),
    'Cannot change status from review to completed. Allowed: none (a task in review leaves it only through approve or reject)',
  )
  assert.ok(canTransition('review', 'completed', 'approve'))
  assert.ok(canTransition('review', 'in_progress', 'reject'))
  assert.not.ok(canTransition('review', 'in_progress', 'approve'))
  assert.not.ok(canTransition('review', 'completed', 'reject'))
  assert.not.ok(canTransition('pending', 'completed', 'approve'))
  assert.equal(allowedTargets('review'), [])
})

test('started_at is set the first time the task enters in_progress, and only then', () => {
  const started = ok(changeStatus(taskMother({ status: 'pending' }), 'in_progress', T0))
  assert.equal(started.startedAt, T0)
  const paused = ok(changeStatus(started, 'blocked', T1))
  const resumed = ok(changeStatus(paused, 'in_progress', new Date('2026-11-23T00:00:00.000Z')))
  assert.equal(resumed.startedAt, T0)
})

test('completed sets completed_at and 100 %; leaving completed clears completed_at', () => {
  const done = ok(changeStatus(taskMother({ status: 'in_progress', progressPercent: 30 }), 'completed', T1))
  assert.equal(done.completedAt, T1)
  assert.is(done.progressPercent, 100)
  const reopened = ok(changeStatus(done, 'in_progress', T1))
  assert.is(reopened.completedAt, null)
  assert.is(reopened.status, 'in_progress')
})

test('every change bumps the version by one and moves updated_at; no change returns the same object', () => {
  const task = taskMother({ version: 4 })
  const moved = ok(changeStatus(task, 'in_progress', T1))
  assert.is(moved.version, 5)
  assert.equal(moved.updatedAt, T1)
  assert.is(enterStatus(task, 'pending', T1), task)
  assert.is(ok(reportProgress(taskMother({ status: 'in_progress', progressPercent: 20 }), 20, T1)).version, 1)
})

test('approve: review -> completed; anything else is refused with a hint', () => {
  const done = ok(approve(taskMother({ status: 'review', progressPercent: 60 }), T1))
  assert.is(done.status, 'completed')
  assert.is(done.progressPercent, 100)
  const error = fail(approve(taskMother({ status: 'in_progress' }), T1), 'InvalidTransition')
  assert.match(describeDomainError(error), 'only a task in review can be approved')
})

test('reject: review -> in_progress with a required reason', () => {
  const back = ok(reject(taskMother({ status: 'review', startedAt: T0 }), 'tests are missing', T1))
  assert.is(back.status, 'in_progress')
  assert.equal(back.startedAt, T0)
  fail(reject(taskMother({ status: 'review' }), '  ', T1), 'ValidationFailed')
  fail(reject(taskMother({ status: 'review' }), 'x'.repeat(2001), T1), 'ValidationFailed')
  const error = fail(reject(taskMother({ status: 'pending' }), 'no', T1), 'InvalidTransition')
  assert.match(describeDomainError(error), 'only a task in review can be rejected')
})

test('progress is reported only in in_progress or review, as an integer 0..100', () => {
  assert.is(ok(reportProgress(taskMother({ status: 'in_progress' }), 40, T1)).progressPercent, 40)
  assert.is(ok(reportProgress(taskMother({ status: 'review' }), 90, T1)).progressPercent, 90)
  for (const status of ['backlog', 'pending', 'blocked', 'completed', 'cancelled'] as const) {
    const error = fail(reportProgress(taskMother({ status }), 10, T1), 'ProgressNotAllowed')
    assert.is(describeDomainError(error), `Progress can only be reported while the task is in_progress or review (it is ${status})`)
  }
  for (const bad of [-1, 101, 50.5, Number.NaN]) fail(reportProgress(taskMother({ status: 'in_progress' }), bad, T1), 'ValidationFailed')
})

test('If-Match: the expected version must be the current one', () => {
  const task = taskMother({ version: 3 })
  assert.is(ok(checkVersion(task, 3)), task)
  assert.is(ok(checkVersion(task, undefined)), task)
  const error = fail(checkVersion(task, 2), 'VersionMismatch')
  assert.equal(error, { _tag: 'VersionMismatch', expected: 2, actual: 3 })
})

type Op = { kind: 'status'; to: TaskStatus } | { kind: 'approve' } | { kind: 'reject' } | { kind: 'progress'; percent: number }
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('status' as const), to: fc.constantFrom(...TASK_STATUSES) }),
  fc.constant({ kind: 'approve' as const }),
  fc.constant({ kind: 'reject' as const }),
  fc.record({ kind: fc.constant('progress' as const), percent: fc.integer({ min: 0, max: 100 }) }),
)

const applyOp = (task: Task, op: Op, now: Date) => {
  switch (op.kind) {
    case 'status': return changeStatus(task, op.to, now)
    case 'approve': return approve(task, now)
    case 'reject': return reject(task, 'not yet', now)
    case 'progress': return reportProgress(task, op.percent, now)
  }
}

test('property: every reachable status sequence follows the table, with consistent side effects', () => {
  fc.assert(
    fc.property(fc.constantFrom(...TASK_STATUSES), fc.array(opArb, { maxLength: 40 }), (start, ops) => {
      let task = taskMother({ status: start })
      for (const [i, op] of ops.entries()) {
        const result = applyOp(task, op, new Date(T0.getTime() + i * 1000))
        if (result._tag === 'Left') continue
        const next = result.right
        if (next.status !== task.status) {
          assert.ok(TABLE[task.status].includes(next.status), `${task.status} -> ${next.status}`)
          if (task.status === 'review') assert.ok(op.kind === 'approve' || op.kind === 'reject')
        }
        assert.is(next.completedAt !== null, next.status === 'completed')
        if (next.status === 'completed') assert.is(next.progressPercent, 100)
        if (task.startedAt !== null) assert.equal(next.startedAt, task.startedAt)
        assert.is(next.version - task.version, next === task ? 0 : 1)
        task = next
      }
    }),
    { numRuns: 300 },
  )
})

test.run()
