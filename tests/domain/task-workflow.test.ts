import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { describeDomainError, type DomainError } from '../../src/domain/errors.js'
import type { Task } from '../../src/domain/task.js'
import type { TaskStatus } from '../../src/domain/task-status.js'
import {
  approve, changeStatus, checkNote, checkVersion, enterStatus, reject, reportProgress, REASON_MAX,
} from '../../src/domain/task-workflow.js'
import { fail, ok, paths } from '../support/either.js'
import { T0, T1, T2, aTask, later } from '../support/builders.js'
import { PLAIN, STATUSES, TABLE, pairs } from '../support/contract.js'

/** What entering `to` must do to `before` at `now`, per the contract's side effects. */
const expectedAfter = (before: Task, to: TaskStatus, now: Date): Task => ({
  ...before,
  status: to,
  startedAt: to === 'in_progress' && before.startedAt === null ? now : before.startedAt,
  completedAt: to === 'completed' ? now : null,
  progressPercent: to === 'completed' ? 100 : before.progressPercent,
  version: before.version + 1,
  updatedAt: now,
})

const refused = (from: TaskStatus, to: TaskStatus, hint?: string): DomainError => ({
  _tag: 'InvalidTransition', from, to, allowed: PLAIN[from], ...(hint === undefined ? {} : { hint }),
})

const inStatus = (status: TaskStatus): Task =>
  aTask({ status, version: 3, progressPercent: status === 'completed' ? 100 : 40 })

test('changeStatus: every (from, to) pair of the 7 statuses follows the table, never out of review', () => {
  let allowedCount = 0
  for (const [from, to] of pairs()) {
    const before = inStatus(from)
    const result = changeStatus(before, to, T1)
    if (PLAIN[from].includes(to)) {
      allowedCount += 1
      assert.equal(ok(result), expectedAfter(before, to, T1), `${from} -> ${to}`)
    } else {
      const hint = from === 'review' ? 'a task in review leaves it only through approve or reject' : undefined
      assert.equal(fail(result, 'InvalidTransition'), refused(from, to, hint), `${from} -> ${to}`)
    }
  }
  // 19 edges in the table, minus the two review decisions.
  assert.is(allowedCount, 17)
})

test('a refused change names the allowed targets in its message', () => {
  assert.is(
    describeDomainError(fail(changeStatus(aTask({ status: 'backlog' }), 'completed', T1))),
    'Cannot change status from backlog to completed. Allowed: pending, in_progress, cancelled',
  )
  assert.is(
    describeDomainError(fail(changeStatus(aTask({ status: 'pending' }), 'pending', T1))),
    'Cannot change status from pending to pending. Allowed: in_progress, blocked, backlog, cancelled',
  )
  assert.is(
    describeDomainError(fail(changeStatus(aTask({ status: 'review' }), 'completed', T1))),
    'Cannot change status from review to completed. Allowed: none (a task in review leaves it only through approve or reject)',
  )
})

test('started_at is set the first time the task enters in_progress, and only then', () => {
  const fresh = aTask({ status: 'pending' })
  assert.is(fresh.startedAt, null)
  const started = ok(changeStatus(fresh, 'in_progress', T1))
  assert.equal(started.startedAt, T1)
  const paused = ok(changeStatus(started, 'blocked', T2))
  assert.equal(paused.startedAt, T1)
  const resumed = ok(changeStatus(paused, 'in_progress', later(60, T2)))
  assert.equal(resumed.startedAt, T1)
  const backToPending = ok(changeStatus(resumed, 'pending', later(120, T2)))
  assert.equal(ok(changeStatus(backToPending, 'in_progress', later(180, T2))).startedAt, T1)
  // Entering another status never starts the clock.
  for (const to of PLAIN.pending.filter((s) => s !== 'in_progress')) assert.is(ok(changeStatus(fresh, to, T1)).startedAt, null, to)
})

test('completed sets completed_at and 100 %; leaving completed clears completed_at', () => {
  const done = ok(changeStatus(aTask({ status: 'in_progress', progressPercent: 30 }), 'completed', T1))
  assert.equal(done.completedAt, T1)
  assert.is(done.progressPercent, 100)
  const reopened = ok(changeStatus(done, 'in_progress', T2))
  assert.is(reopened.status, 'in_progress')
  assert.is(reopened.completedAt, null)
  assert.equal(reopened.startedAt, done.startedAt)
})

test('every change bumps the version by exactly one and moves updated_at', () => {
  let task = aTask({ status: 'backlog', version: 7 })
  const path: TaskStatus[] = ['pending', 'in_progress', 'blocked', 'cancelled', 'backlog', 'in_progress', 'completed', 'in_progress']
  for (const [i, to] of path.entries()) {
    const now = later(i + 1, T1)
    const next = ok(changeStatus(task, to, now))
    assert.is(next.version, task.version + 1, to)
    assert.equal(next.updatedAt, now)
    task = next
  }
  assert.is(task.version, 7 + path.length)
})

test('entering the status the task is already in is no change: same object, no version bump', () => {
  for (const s of STATUSES) {
    const task = inStatus(s)
    assert.is(enterStatus(task, s, T1), task, s)
  }
})

test('enterStatus (task-sync) may take any step, with the same side effects', () => {
  for (const [from, to] of pairs()) {
    if (from === to) continue
    const before = inStatus(from)
    assert.equal(enterStatus(before, to, T1), expectedAfter(before, to, T1), `${from} -> ${to}`)
  }
  const synced = enterStatus(aTask({ status: 'backlog' }), 'completed', T1)
  assert.is(synced.startedAt, null)
  assert.equal(synced.completedAt, T1)
})

test('approve: only from review, to completed with its side effects', () => {
  const inReview = aTask({ status: 'review', progressPercent: 60, version: 4 })
  assert.equal(ok(approve(inReview, T1)), expectedAfter(inReview, 'completed', T1))
  for (const from of STATUSES.filter((s) => s !== 'review')) {
    const error = fail(approve(inStatus(from), T1), 'InvalidTransition')
    assert.equal(error, refused(from, 'completed', 'only a task in review can be approved'), from)
  }
  assert.is(
    describeDomainError(fail(approve(aTask({ status: 'in_progress' }), T1))),
    'Cannot change status from in_progress to completed. Allowed: review, completed, blocked, pending (only a task in review can be approved)',
  )
})

test('reject: only from review, back to in_progress, with a non-empty reason', () => {
  const inReview = aTask({ status: 'review', progressPercent: 80, version: 4 })
  assert.equal(ok(reject(inReview, 'tests are missing', T1)), expectedAfter(inReview, 'in_progress', T1))
  for (const from of STATUSES.filter((s) => s !== 'review')) {
    const error = fail(reject(inStatus(from), 'no', T1), 'InvalidTransition')
    assert.equal(error, refused(from, 'in_progress', 'only a task in review can be rejected'), from)
  }
  for (const blank of ['', ' ', '\n\t ']) {
    const error = fail(reject(inReview, blank, T1), 'ValidationFailed')
    assert.equal(error, { _tag: 'ValidationFailed', issues: [{ path: 'reason', message: 'must be a non-empty string' }] })
  }
  assert.is(REASON_MAX, 2000)
  ok(reject(inReview, 'x'.repeat(REASON_MAX), T1))
  assert.equal(paths(fail(reject(inReview, 'x'.repeat(REASON_MAX + 1), T1), 'ValidationFailed')), ['reason'])
})

test('reject of a task that entered review without ever starting starts its clock', () => {
  const synced = aTask({ status: 'review', startedAt: null })
  assert.equal(ok(reject(synced, 'not yet', T1)).startedAt, T1)
  assert.equal(ok(reject(aTask({ status: 'review', startedAt: T0 }), 'not yet', T1)).startedAt, T0)
})

test('progress: only while in_progress or review', () => {
  for (const status of STATUSES) {
    const task = aTask({ status, progressPercent: status === 'completed' ? 100 : 10, version: 2 })
    const result = reportProgress(task, 55, T1)
    if (status === 'in_progress' || status === 'review') {
      assert.equal(ok(result), { ...task, progressPercent: 55, version: 3, updatedAt: T1 }, status)
    } else {
      const error = fail(result, 'ProgressNotAllowed')
      assert.equal(error, { _tag: 'ProgressNotAllowed', status })
      assert.is(describeDomainError(error), `Progress can only be reported while the task is in_progress or review (it is ${status})`)
    }
  }
})

test('progress: an integer from 0 to 100', () => {
  const task = aTask({ status: 'in_progress', progressPercent: 50 })
  for (const good of [0, 1, 99, 100]) assert.is(ok(reportProgress(task, good, T1)).progressPercent, good)
  for (const bad of [-1, 101, 50.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const error = fail(reportProgress(task, bad, T1), 'ValidationFailed')
    assert.equal(error, { _tag: 'ValidationFailed', issues: [{ path: 'percent', message: 'must be an integer from 0 to 100' }] }, String(bad))
  }
})

test('progress: reporting the current value is no change (same object, same version)', () => {
  const task = aTask({ status: 'review', progressPercent: 70, version: 5 })
  assert.is(ok(reportProgress(task, 70, T1)), task)
})

test('If-Match: the expected version must be the current one', () => {
  const task = aTask({ version: 3 })
  assert.is(ok(checkVersion(task, 3)), task)
  assert.is(ok(checkVersion(task, undefined)), task)
  for (const stale of [1, 2, 4]) {
    const error = fail(checkVersion(task, stale), 'VersionMismatch')
    assert.equal(error, { _tag: 'VersionMismatch', expected: stale, actual: 3 })
  }
  assert.is(
    describeDomainError(fail(checkVersion(task, 2))),
    'Version mismatch: If-Match expected version 2, the task is at version 3',
  )
})

test('notes: optional, at most 2000 characters, reported under the given path', () => {
  assert.is(ok(checkNote(undefined)), undefined)
  assert.is(ok(checkNote('')), '')
  assert.is(ok(checkNote('x'.repeat(2000))), 'x'.repeat(2000))
  assert.equal(fail(checkNote('x'.repeat(2001)), 'ValidationFailed'), {
    _tag: 'ValidationFailed', issues: [{ path: 'note', message: 'must be at most 2000 characters' }],
  })
  assert.equal(paths(fail(checkNote('x'.repeat(2001), 'reason'))), ['reason'])
})

// --- property: random operation sequences --------------------------------------------------------------------

type Op =
  | { readonly kind: 'status'; readonly to: TaskStatus }
  | { readonly kind: 'approve' }
  | { readonly kind: 'reject'; readonly reason: string }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('status' as const), to: fc.constantFrom(...STATUSES) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'approve' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), reason: fc.constantFrom('needs tests', '', '  ') }) },
)

const apply = (task: Task, op: Op, now: Date): E.Either<DomainError, Task> => {
  switch (op.kind) {
    case 'status': return changeStatus(task, op.to, now)
    case 'approve': return approve(task, now)
    case 'reject': return reject(task, op.reason, now)
  }
}

/** The contract's answer, computed without the code under test: the target, or undefined when refused. */
const modelTarget = (from: TaskStatus, op: Op): TaskStatus | undefined => {
  switch (op.kind) {
    case 'status': return PLAIN[from].includes(op.to) ? op.to : undefined
    case 'approve': return from === 'review' ? 'completed' : undefined
    case 'reject': return from === 'review' && op.reason.trim() !== '' ? 'in_progress' : undefined
  }
}

test('property: every reachable status sequence follows the table; completed_at is set iff completed', () => {
  fc.assert(
    fc.property(fc.constantFrom(...STATUSES), fc.array(opArb, { maxLength: 60 }), (start, ops) => {
      let task = aTask({ status: start })
      let startedAt = task.startedAt
      const visited: TaskStatus[] = [start]
      for (const [i, op] of ops.entries()) {
        const now = later(i + 1, T1)
        const result = apply(task, op, now)
        const target = modelTarget(task.status, op)
        assert.is(E.isRight(result), target !== undefined, `${task.status} ${JSON.stringify(op)}`)
        if (E.isLeft(result) || target === undefined) continue
        const next = result.right
        assert.is(next.status, target)
        assert.ok(TABLE[task.status].includes(next.status), `${task.status} -> ${next.status} is not in the table`)
        if (task.status === 'review') assert.ok(op.kind !== 'status', 'review left by a plain status change')
        if (startedAt === null && next.status === 'in_progress') startedAt = now
        assert.equal(next.startedAt, startedAt)
        assert.is(next.completedAt !== null, next.status === 'completed')
        if (next.status === 'completed') {
          assert.equal(next.completedAt, now)
          assert.is(next.progressPercent, 100)
        }
        assert.is(next.version, task.version + 1)
        visited.push(next.status)
        task = next
      }
      for (let i = 1; i < visited.length; i += 1) {
        const from = visited[i - 1] as TaskStatus
        const to = visited[i] as TaskStatus
        assert.ok(TABLE[from].includes(to), `${from} -> ${to}`)
      }
    }),
    { numRuns: 500 },
  )
})

test.run()
