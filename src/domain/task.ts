// Task: the entity, its creation and the edit of its plain fields. Status changes live in task-workflow.ts,
// parents and rollup in hierarchy.ts.
import type * as E from 'fp-ts/lib/Either.js'
import type { DomainError } from './errors.js'
import type { ProjectId, TaskId, WorkerId } from './ids.js'
import {
  checkDescription, checkDueDate, checkPriority, checkStoryPoints, checkTags, checkTitle, normalizeTags, USER_TASK_LIMITS,
  type Priority, type TaskLimits,
} from './task-fields.js'
import type { TaskStatus } from './task-status.js'
import { collect, ok } from './validation.js'

export interface Task {
  readonly id: TaskId
  readonly projectId: ProjectId
  /** Sequential per project, assigned by the store: 1, 2, 3, … */
  readonly number: number
  readonly title: string
  readonly description: string | null
  readonly status: TaskStatus
  readonly priority: Priority
  readonly tags: readonly string[]
  /** Calendar date `YYYY-MM-DD`. */
  readonly dueDate: string | null
  readonly storyPoints: number | null
  readonly assigneeId: WorkerId | null
  readonly parentTaskId: TaskId | null
  readonly progressPercent: number
  /** Derived from the subtasks (see hierarchy.ts); kept on the task so lists need no tree walk. */
  readonly rollupProgressPercent: number
  readonly version: number
  /** The worker who created it; null when an API token (task-sync) did. */
  readonly createdById: WorkerId | null
  readonly startedAt: Date | null
  readonly completedAt: Date | null
  readonly createdAt: Date
  readonly updatedAt: Date
}

/** A task before the store gives it an id and a number. */
export type NewTask = Omit<Task, 'id' | 'number'>

export interface TaskInput {
  readonly title: string
  readonly description?: string | null
  readonly priority?: Priority
  readonly tags?: readonly string[]
  readonly dueDate?: string | null
  readonly storyPoints?: number | null
  readonly assigneeId?: WorkerId | null
  readonly parentTaskId?: TaskId | null
}

export interface TaskOrigin {
  readonly projectId: ProjectId
  readonly createdById: WorkerId | null
  readonly status?: TaskStatus
  readonly now: Date
}

/**
 * A new task, `pending` unless the origin says otherwise (task-sync starts tasks in `backlog` or in a mapped
 * status, with that status's side effects: `in_progress` starts the clock, `completed` means 100 %).
 */
export const createTask = (input: TaskInput, origin: TaskOrigin, limits: TaskLimits = USER_TASK_LIMITS): E.Either<DomainError, NewTask> => {
  const status = origin.status ?? 'pending'
  const done = status === 'completed'
  const draft: NewTask = {
    projectId: origin.projectId,
    title: input.title,
    description: input.description ?? null,
    status,
    priority: input.priority ?? 'medium',
    tags: normalizeTags(input.tags ?? []),
    dueDate: input.dueDate ?? null,
    storyPoints: input.storyPoints ?? null,
    assigneeId: input.assigneeId ?? null,
    parentTaskId: input.parentTaskId ?? null,
    progressPercent: done ? 100 : 0,
    rollupProgressPercent: done ? 100 : 0,
    version: 1,
    createdById: origin.createdById,
    startedAt: status === 'in_progress' ? origin.now : null,
    completedAt: done ? origin.now : null,
    createdAt: origin.now,
    updatedAt: origin.now,
  }
  return collect(
    draft,
    checkTitle(draft.title, 'title', limits),
    checkDescription(draft.description, limits),
    input.priority === undefined ? ok : checkPriority(input.priority),
    checkTags(input.tags ?? [], 'tags', limits),
    checkDueDate(draft.dueDate),
    checkStoryPoints(draft.storyPoints, 'story_points', limits),
  )
}

export interface TaskPatch {
  readonly title?: string
  readonly description?: string | null
  readonly priority?: Priority
  readonly tags?: readonly string[]
  readonly dueDate?: string | null
  readonly storyPoints?: number | null
}

/** The fields whose change is a change of the task (and bumps its version). */
export const TRACKED_FIELDS = [
  'title', 'description', 'status', 'priority', 'tags', 'dueDate', 'storyPoints', 'assigneeId', 'parentTaskId',
  'progressPercent', 'startedAt', 'completedAt',
] as const satisfies readonly (keyof Task)[]

const same = (a: unknown, b: unknown): boolean => {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i])
  return a === b
}

export const changedFields = (before: Task, after: Task): readonly (typeof TRACKED_FIELDS)[number][] =>
  TRACKED_FIELDS.filter((f) => !same(before[f], after[f]))

/**
 * Finishes a change: when any tracked field differs, the version goes up by one and `updatedAt` moves;
 * when nothing differs, the original task comes back untouched (no version bump, no audit).
 */
export const touch = (before: Task, after: Task, now: Date): Task =>
  changedFields(before, after).length === 0 ? before : { ...after, version: before.version + 1, updatedAt: now }

/**
 * Applies an edit. Only values the edit changes are checked against `limits`: a task that holds more than a
 * user may write (a 60,000-character description synced from GitHub) can still be edited, and a PUT that sends
 * such a value back unchanged is not refused for it.
 */
export const updateTaskFields = (task: Task, patch: TaskPatch, now: Date, limits: TaskLimits = USER_TASK_LIMITS): E.Either<DomainError, Task> => {
  const next: Task = {
    ...task,
    title: patch.title ?? task.title,
    description: patch.description === undefined ? task.description : patch.description,
    priority: patch.priority ?? task.priority,
    tags: patch.tags === undefined ? task.tags : normalizeTags(patch.tags),
    dueDate: patch.dueDate === undefined ? task.dueDate : patch.dueDate,
    storyPoints: patch.storyPoints === undefined ? task.storyPoints : patch.storyPoints,
  }
  const changed = (field: 'title' | 'description' | 'tags' | 'dueDate' | 'storyPoints') => !same(task[field], next[field])
  return collect(
    touch(task, next, now),
    changed('title') ? checkTitle(next.title, 'title', limits) : ok,
    changed('description') ? checkDescription(next.description, limits) : ok,
    patch.priority === undefined ? ok : checkPriority(patch.priority),
    patch.tags !== undefined && changed('tags') ? checkTags(patch.tags, 'tags', limits) : ok,
    changed('dueDate') ? checkDueDate(next.dueDate) : ok,
    changed('storyPoints') ? checkStoryPoints(next.storyPoints, 'story_points', limits) : ok,
  )
}

export const shortId = (projectKey: string, task: Pick<Task, 'number'>): string => `${projectKey}-${task.number}`
