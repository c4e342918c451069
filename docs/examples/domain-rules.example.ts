// How a consuming service unit-tests taskport's rules in isolation: no database, no HTTP, no clock.
// This file is run by taskport's own test suite (tests/docs/examples.test.ts), so it cannot go stale.
import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  approve, changeStatus, checkParent, createTask, describeDomainError, mayReview, rollupProgress, type Task,
} from 'taskport'

const now = new Date('2026-11-22T10:00:00.000Z')

// A valid task from the domain's own constructor; the store would give it an id and a number.
const aTask = (overrides: Partial<Task> = {}): Task => {
  const draft = createTask({ title: 'Write the release notes' }, { projectId: 1, createdById: 7, now })
  if (E.isLeft(draft)) throw new Error(describeDomainError(draft.left))
  return { ...draft.right, id: 1, number: 1, ...overrides }
}

test('a pending task cannot jump to review', () => {
  const result = changeStatus(aTask(), 'review', now)
  assert.ok(E.isLeft(result))
  if (E.isLeft(result) && result.left._tag === 'InvalidTransition') {
    assert.equal(result.left.allowed, ['in_progress', 'blocked', 'backlog', 'cancelled'])
  } else {
    assert.unreachable('expected InvalidTransition')
  }
})

test('approving a task in review completes it at 100 %', () => {
  const done = approve(aTask({ status: 'review', progressPercent: 80 }), now)
  assert.ok(E.isRight(done))
  if (E.isRight(done)) {
    assert.is(done.right.status, 'completed')
    assert.is(done.right.progressPercent, 100)
    assert.equal(done.right.completedAt, now)
  }
})

test('the assignee may not approve their own task unless admin', () => {
  const task = aTask({ status: 'review', assigneeId: 7 })
  assert.ok(E.isLeft(mayReview({ role: 'member', workerId: 7 }, task)))
  assert.ok(E.isRight(mayReview({ role: 'admin', workerId: 7 }, task)))
})

test('a parent below its child is refused as a cycle', () => {
  // Task 1 would get parent 3, whose ancestors are 2 and 1: a cycle.
  const refused = checkParent({ id: 1, projectId: 1 }, { id: 3, projectId: 1 }, [2, 1])
  assert.ok(E.isLeft(refused))
  if (E.isLeft(refused)) assert.is(describeDomainError(refused.left), 'Circular reference detected')
})

test('rollup ignores cancelled subtasks and counts completed ones as 100', () => {
  assert.is(
    rollupProgress(0, [
      { status: 'completed', rollupProgressPercent: 40 },
      { status: 'in_progress', rollupProgressPercent: 50 },
      { status: 'cancelled', rollupProgressPercent: 0 },
    ]),
    75,
  )
})

test.run()
