import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  assign, checkAssignee, checkParent, describeDomainError, rollupProgress, setParent, withRollup, type TaskId, type TaskStatus,
} from '../../src/domain/index.js'
import { fail, ok } from '../support/either.js'
import { T1, agentMother, humanMother, membershipMother, projectMother, taskMother } from '../support/domain-mothers.js'

test('a parent must be in the same project', () => {
  const error = fail(checkParent({ id: 1, projectId: 1 }, { id: 2, projectId: 2 }, []), 'ParentInOtherProject')
  assert.is(describeDomainError(error), 'Parent task must be in the same project')
  fail(checkParent({ projectId: 1 }, { id: 2, projectId: 2 }, []), 'ParentInOtherProject')
})

test('a task cannot be its own parent nor below one of its descendants', () => {
  fail(checkParent({ id: 1, projectId: 1 }, { id: 1, projectId: 1 }, []), 'CircularReference')
  // 1 <- 2 <- 3: making 3 the parent of 1 closes the loop.
  const error = fail(checkParent({ id: 1, projectId: 1 }, { id: 3, projectId: 1 }, [2, 1]), 'CircularReference')
  assert.is(describeDomainError(error), 'Circular reference detected')
  ok(checkParent({ id: 1, projectId: 1 }, { id: 3, projectId: 1 }, [2]))
  ok(checkParent({ projectId: 1 }, { id: 3, projectId: 1 }, [2, 1]))
})

test('setParent changes the parent and the version', () => {
  const moved = setParent(taskMother(), 5, T1)
  assert.is(moved.parentTaskId, 5)
  assert.is(moved.version, 2)
  const task = taskMother({ parentTaskId: 5 })
  assert.is(setParent(task, 5, T1), task)
})

test('rollup: own progress without counted subtasks', () => {
  assert.is(rollupProgress(40, []), 40)
  assert.is(rollupProgress(40, [{ status: 'cancelled', rollupProgressPercent: 90 }]), 40)
})

test('rollup: rounded mean of non-cancelled subtasks, a completed one counts 100', () => {
  assert.is(rollupProgress(0, [{ status: 'in_progress', rollupProgressPercent: 50 }, { status: 'pending', rollupProgressPercent: 0 }]), 25)
  assert.is(rollupProgress(0, [{ status: 'completed', rollupProgressPercent: 10 }, { status: 'pending', rollupProgressPercent: 0 }]), 50)
  assert.is(rollupProgress(0, [
    { status: 'in_progress', rollupProgressPercent: 33 },
    { status: 'in_progress', rollupProgressPercent: 33 },
    { status: 'in_progress', rollupProgressPercent: 34 },
  ]), 33)
  assert.is(rollupProgress(0, [{ status: 'in_progress', rollupProgressPercent: 1 }, { status: 'in_progress', rollupProgressPercent: 2 }]), 2)
  assert.is(rollupProgress(99, [{ status: 'cancelled', rollupProgressPercent: 0 }, { status: 'review', rollupProgressPercent: 70 }]), 70)
})

test('withRollup stores the derived value without touching the version', () => {
  const task = taskMother({ progressPercent: 10, rollupProgressPercent: 10 })
  const next = withRollup(task, [{ status: 'completed', rollupProgressPercent: 0 }])
  assert.is(next.rollupProgressPercent, 100)
  assert.is(next.version, task.version)
  assert.is(withRollup(task, []), task)
})

const statusArb = fc.constantFrom<TaskStatus>('backlog', 'pending', 'in_progress', 'review', 'blocked', 'completed', 'cancelled')

test('property: rollup stays within 0..100', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 100 }),
    fc.array(fc.record({ status: statusArb, rollupProgressPercent: fc.integer({ min: 0, max: 100 }) }), { maxLength: 30 }),
    (own, children) => {
      const r = rollupProgress(own, children)
      assert.ok(Number.isInteger(r) && r >= 0 && r <= 100)
    },
  ))
})

test('property: no sequence of allowed parent changes creates a cycle', () => {
  fc.assert(fc.property(
    fc.integer({ min: 2, max: 12 }),
    fc.array(fc.tuple(fc.nat(), fc.option(fc.nat(), { nil: null })), { maxLength: 60 }),
    (n, moves) => {
      const parent = new Map<TaskId, TaskId | null>(Array.from({ length: n }, (_, i) => [i + 1, null]))
      const ancestors = (id: TaskId): TaskId[] => {
        const chain: TaskId[] = []
        let p = parent.get(id) ?? null
        while (p !== null) {
          assert.ok(chain.length <= n, 'a cycle was created')
          chain.push(p)
          p = parent.get(p) ?? null
        }
        return chain
      }
      for (const [c, p] of moves) {
        const child = (c % n) + 1
        const target = p === null ? null : (p % n) + 1
        if (target === null) {
          parent.set(child, null)
          continue
        }
        const checked = checkParent({ id: child, projectId: 1 }, { id: target, projectId: 1 }, ancestors(target))
        if (checked._tag === 'Right') parent.set(child, target)
        else assert.ok(target === child || ancestors(target).includes(child), 'refused a legal move')
      }
      for (const id of parent.keys()) ancestors(id)
    },
  ), { numRuns: 300 })
})

test('assignment only to members of the project', () => {
  const project = projectMother({ slug: 'web-app' })
  assert.is(describeDomainError(fail(checkAssignee(project, 999, undefined, undefined), 'AssigneeNotFound')), 'Member with ID 999 not found in this project')
  assert.is(describeDomainError(fail(checkAssignee(project, 7, humanMother(), undefined), 'NotAProjectMember')), '@sarah is not a member of project web-app')
  assert.is(describeDomainError(fail(checkAssignee(project, 9, agentMother(), undefined), 'NotAProjectMember')), 'Agent not a member of this project')
  assert.is(ok(checkAssignee(project, 9, agentMother(), membershipMother({ workerId: 9 }))).handle, '@claude-code')
  assert.is(ok(checkAssignee(project, 7, humanMother(), membershipMother())).id, 7)
})

test('assign changes the assignee and the version; same assignee is no change', () => {
  const task = taskMother({ assigneeId: 7 })
  assert.is(assign(task, 7, T1), task)
  const next = assign(task, null, T1)
  assert.is(next.assigneeId, null)
  assert.is(next.version, 2)
})

test.run()
