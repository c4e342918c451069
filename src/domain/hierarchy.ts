// Subtasks: a parent lives in the same project and is never a descendant of its child; progress rolls up.
import * as E from 'fp-ts/lib/Either.js'
import type { DomainError } from './errors.js'
import type { ProjectId, TaskId } from './ids.js'
import { touch, type Task } from './task.js'
import type { TaskStatus } from './task-status.js'

/** What the subtask rules read of a task. */
export interface HierarchyNode {
  readonly id?: TaskId
  readonly projectId: ProjectId
}

/**
 * May `parent` become the parent of `child`? `parentAncestorIds` is the parent's chain upwards
 * (its parent, grand-parent, … to the root), as the store returns it in one query.
 * A child without an id (not created yet) can never close a cycle.
 */
export const checkParent = (
  child: HierarchyNode,
  parent: Required<HierarchyNode>,
  parentAncestorIds: readonly TaskId[],
): E.Either<DomainError, void> => {
  if (parent.projectId !== child.projectId) return E.left({ _tag: 'ParentInOtherProject' })
  if (child.id !== undefined && (parent.id === child.id || parentAncestorIds.includes(child.id))) {
    return E.left({ _tag: 'CircularReference' })
  }
  return E.right(undefined)
}

export const setParent = (task: Task, parentTaskId: TaskId | null, now: Date): Task =>
  touch(task, { ...task, parentTaskId }, now)

export interface RollupChild {
  readonly status: TaskStatus
  readonly rollupProgressPercent: number
}

/**
 * Rollup: with non-cancelled subtasks, the rounded mean of their rollup values (a completed subtask counts
 * 100); otherwise the task's own progress.
 */
export const rollupProgress = (progressPercent: number, children: readonly RollupChild[]): number => {
  const counted = children.filter((c) => c.status !== 'cancelled')
  if (counted.length === 0) return progressPercent
  const sum = counted.reduce((acc, c) => acc + (c.status === 'completed' ? 100 : c.rollupProgressPercent), 0)
  return Math.round(sum / counted.length)
}

/** The task with its rollup recomputed from its direct children (a derived value: no version bump). */
export const withRollup = (task: Task, children: readonly RollupChild[]): Task => {
  const rollup = rollupProgress(task.progressPercent, children)
  return rollup === task.rollupProgressPercent ? task : { ...task, rollupProgressPercent: rollup }
}
