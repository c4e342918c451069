import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { describeDomainError } from '../../src/domain/errors.js'
import { checkParent, rollupProgress, setParent, withRollup, type RollupChild } from '../../src/domain/hierarchy.js'
import type { TaskId } from '../../src/domain/ids.js'
import type { Task } from '../../src/domain/task.js'
import type { TaskStatus } from '../../src/domain/task-status.js'
import { fail, ok } from '../support/either.js'
import { T1, aTask, later } from '../support/builders.js'
import { STATUSES } from '../support/contract.js'

test('a parent must be in the same project', () => {
  const error = fail(checkParent({ id: 1, projectId: 1 }, { id: 2, projectId: 2 }, []), 'ParentInOtherProject')
  assert.is(describeDomainError(error), 'Parent task must be in the same project')
  fail(checkParent({ projectId: 1 }, { id: 2, projectId: 2 }, []), 'ParentInOtherProject')
  ok(checkParent({ id: 1, projectId: 2 }, { id: 2, projectId: 2 }, []))
})

test('a task cannot be its own parent', () => {
  const error = fail(checkParent({ id: 1, projectId: 1 }, { id: 1, projectId: 1 }, []), 'CircularReference')
  assert.is(describeDomainError(error), 'Circular reference detected')
})

test('a task cannot go below one of its descendants (a cycle through the parent chain)', () => {
  // 1 <- 2 <- 3 (3's chain upwards is 2, 1): making 3 the parent of 1 would close the loop.
  fail(checkParent({ id: 1, projectId: 1 }, { id: 3, projectId: 1 }, [2, 1]), 'CircularReference')
  fail(checkParent({ id: 2, projectId: 1 }, { id: 3, projectId: 1 }, [2, 1]), 'CircularReference')
  // Anything not on the chain is fine.
  ok(checkParent({ id: 1, projectId: 1 }, { id: 3, projectId: 1 }, [2]))
  ok(checkParent({ id: 4, projectId: 1 }, { id: 3, projectId: 1 }, [2, 1]))
})

test('a task not created yet (no id) never closes a cycle', () => {
  ok(checkParent({ projectId: 1 }, { id: 3, projectId: 1 }, [2, 1]))
})

test('the project check comes first', () => {
  fail(checkParent({ id: 1, projectId: 1 }, { id: 1, projectId: 2 }, []), 'ParentInOtherProject')
})

test('setParent: moves the task, version +1; the same parent is no change', () => {
  const task = aTask({ version: 2 })
  assert.equal(setParent(task, 5, T1), { ...task, parentTaskId: 5, version: 3, updatedAt: T1 })
  const child = aTask({ parentTaskId: 5 })
  assert.is(setParent(child, 5, T1), child)
  assert.equal(setParent(child, null, T1).parentTaskId, null)
})

const child = (status: TaskStatus, rollupProgressPercent: number): RollupChild => ({ status, rollupProgressPercent })

test('rollup: the own progress without subtasks, or when all are cancelled', () => {
  assert.is(rollupProgress(40, []), 40)
  assert.is(rollupProgress(40, [child('cancelled', 90)]), 40)
  assert.is(rollupProgress(0, [child('cancelled', 90), child('cancelled', 10)]), 0)
})

test('rollup: the mean of the non-cancelled subtasks, cancelled ones ignored', () => {
  assert.is(rollupProgress(0, [child('in_progress', 50), child('pending', 0)]), 25)
  assert.is(rollupProgress(99, [child('cancelled', 0), child('review', 70)]), 70)
  assert.is(rollupProgress(0, [child('cancelled', 100), child('in_progress', 20), child('blocked', 40)]), 30)
  // The parent's own progress does not count once it has subtasks.
  assert.is(rollupProgress(100, [child('in_progress', 0)]), 0)
})

test('rollup: a completed subtask counts 100 whatever its stored value', () => {
  assert.is(rollupProgress(0, [child('completed', 10), child('pending', 0)]), 50)
  assert.is(rollupProgress(0, [child('completed', 0)]), 100)
})

test('rollup: rounded to the nearest integer', () => {
  assert.is(rollupProgress(0, [child('in_progress', 33), child('in_progress', 33), child('in_progress', 34)]), 33)
  assert.is(rollupProgress(0, [child('in_progress', 1), child('in_progress', 2)]), 2)
  assert.is(rollupProgress(0, [child('in_progress', 0), child('in_progress', 0), child('in_progress', 1)]), 0)
  assert.is(rollupProgress(0, [child('in_progress', 100), child('in_progress', 100), child('in_progress', 99)]), 100)
  assert.is(rollupProgress(0, [child('in_progress', 66), child('in_progress', 67), child('in_progress', 67)]), 67)
})

test('withRollup: stores the derived value, no version bump; unchanged is the same object', () => {
  const task = aTask({ progressPercent: 10, rollupProgressPercent: 10, version: 4 })
  assert.equal(withRollup(task, [child('completed', 0)]), { ...task, rollupProgressPercent: 100 })
  assert.is(withRollup(task, []), task)
  assert.is(withRollup(task, [child('in_progress', 10)]), task)
  // Without counted subtasks the rollup falls back to the task's own progress.
  assert.equal(withRollup(aTask({ progressPercent: 30, rollupProgressPercent: 80 }), [child('cancelled', 80)]).rollupProgressPercent, 30)
})

const childArb = fc.record({ status: fc.constantFrom(...STATUSES), rollupProgressPercent: fc.integer({ min: 0, max: 100 }) })

test('property: rollup stays an integer within 0..100, between the lowest and highest counted value', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.array(childArb, { maxLength: 40 }), (own, children) => {
    const r = rollupProgress(own, children)
    assert.ok(Number.isInteger(r) && r >= 0 && r <= 100, String(r))
    const counted = children.filter((c) => c.status !== 'cancelled').map((c) => (c.status === 'completed' ? 100 : c.rollupProgressPercent))
    if (counted.length === 0) assert.is(r, own)
    else assert.ok(r >= Math.min(...counted) && r <= Math.max(...counted), `${r} outside ${counted.join(',')}`)
    assert.is(rollupProgress(own, [...children].reverse()), r)
  }), { numRuns: 1000 })
})

// --- property: no cycles -----------------------------------------------------------------------------------------

/** The chain upwards from `id` (parent, grand-parent, …), as the store returns it; undefined if it loops. */
const ancestorsOf = (tasks: ReadonlyMap<TaskId, Task>, id: TaskId): TaskId[] | undefined => {
  const chain: TaskId[] = []
  for (let p = tasks.get(id)?.parentTaskId ?? null; p !== null; p = tasks.get(p)?.parentTaskId ?? null) {
    if (chain.includes(p) || p === id) return undefined
    chain.push(p)
  }
  return chain
}

const moveArb = fc.record({ child: fc.nat(), parent: fc.option(fc.nat(), { nil: null, freq: 6 }) })

test('property: no sequence of allowed parent assignments creates a cycle', () => {
  fc.assert(fc.property(
    fc.integer({ min: 2, max: 14 }),
    fc.array(fc.constantFrom(1, 1, 1, 2), { minLength: 14, maxLength: 14 }),
    fc.array(moveArb, { maxLength: 80 }),
    (n, projects, moves) => {
      // A forest of n tasks with no parents, most of them in project 1.
      const tasks = new Map<TaskId, Task>()
      for (let id = 1; id <= n; id += 1) tasks.set(id, aTask({ id, number: id, projectId: projects[id - 1] ?? 1 }))
      for (const [i, move] of moves.entries()) {
        const now = later(i + 1, T1)
        const current = tasks.get((move.child % n) + 1)
        assert.ok(current)
        if (move.parent === null) {
          tasks.set(current.id, setParent(current, null, now))
          continue
        }
        const parent = tasks.get((move.parent % n) + 1)
        assert.ok(parent)
        const chain = ancestorsOf(tasks, parent.id)
        assert.ok(chain, 'the forest already has a cycle')
        const verdict = checkParent(current, parent, chain)
        const wouldLoop = parent.id === current.id || chain.includes(current.id)
        if (E.isRight(verdict)) {
          assert.is(parent.projectId, current.projectId, 'allowed a parent in another project')
          assert.not.ok(wouldLoop, 'allowed a cycle')
          tasks.set(current.id, setParent(current, parent.id, now))
        } else {
          // Refused moves are refused for the right reason, never a legal one.
          const expected = parent.projectId !== current.projectId ? 'ParentInOtherProject' : 'CircularReference'
          assert.is(verdict.left._tag, expected)
          if (expected === 'CircularReference') assert.ok(wouldLoop, 'refused a legal move')
        }
      }
      // The parent graph is acyclic, and every parent is in its child's project.
      for (const task of tasks.values()) {
        const chain = ancestorsOf(tasks, task.id)
        assert.ok(chain, `task ${task.id} is on a cycle`)
        assert.ok(chain.length < n)
        for (const a of chain) assert.is(tasks.get(a)?.projectId, task.projectId)
      }
    },
  ), { numRuns: 500 })
})

test.run()
