// Status workflow on a task: transitions with their side effects, progress, the review decision, If-Match.
import * as E from 'fp-ts/lib/Either.js'
import { invalidField, type DomainError } from './errors.js'
import { touch, type Task } from './task.js'
import { checkPercent } from './task-fields.js'
import { allowedTargets, canTransition, type TaskStatus, type TransitionVia } from './task-status.js'
import { charCount } from './text.js'
import { collect, nonEmptyText } from './validation.js'

/**
 * Moves a task to `to` with the contract's side effects, without checking the table (task-sync uses this
 * directly, the external system being the source of truth): `started_at` is set the first time the task
 * enters `in_progress`; `completed` sets `completed_at` and 100 %; leaving `completed` clears `completed_at`.
 */
export const enterStatus = (task: Task, to: TaskStatus, now: Date): Task => {
  if (task.status === to) return task
  const next: Task = {
    ...task,
    status: to,
    startedAt: to === 'in_progress' && task.startedAt === null ? now : task.startedAt,
    completedAt: to === 'completed' ? now : null,
    progressPercent: to === 'completed' ? 100 : task.progressPercent,
  }
  return touch(task, next, now)
}

const refuse = (task: Task, to: TaskStatus, via: TransitionVia): DomainError => ({
  _tag: 'InvalidTransition',
  from: task.status,
  to,
  allowed: allowedTargets(task.status),
  ...(task.status === 'review' && via === 'status_change'
    ? { hint: 'a task in review leaves it only through approve or reject' }
    : via !== 'status_change'
      ? { hint: `only a task in review can be ${via === 'approve' ? 'approved' : 'rejected'}` }
      : {}),
})

/** A plain status change (PATCH …/status): only the table's edges, never out of review. */
export const changeStatus = (task: Task, to: TaskStatus, now: Date): E.Either<DomainError, Task> =>
  canTransition(task.status, to, 'status_change') ? E.right(enterStatus(task, to, now)) : E.left(refuse(task, to, 'status_change'))

export const approve = (task: Task, now: Date): E.Either<DomainError, Task> =>
  canTransition(task.status, 'completed', 'approve') ? E.right(enterStatus(task, 'completed', now)) : E.left(refuse(task, 'completed', 'approve'))

export const REASON_MAX = 2000

export const reject = (task: Task, reason: string, now: Date): E.Either<DomainError, Task> => {
  if (!canTransition(task.status, 'in_progress', 'reject')) return E.left(refuse(task, 'in_progress', 'reject'))
  return collect(enterStatus(task, 'in_progress', now), nonEmptyText('reason', reason, REASON_MAX))
}

/** Progress is reported only while the task is being worked on (`in_progress` or `review`). */
export const reportProgress = (task: Task, percent: number, now: Date): E.Either<DomainError, Task> => {
  const bad = checkPercent(percent)
  if (bad.length > 0) return collect(task, bad)
  if (task.status !== 'in_progress' && task.status !== 'review') return E.left({ _tag: 'ProgressNotAllowed', status: task.status })
  return E.right(touch(task, { ...task, progressPercent: percent }, now))
}

/** Optimistic concurrency (If-Match): the caller's version must be the task's current one. */
export const checkVersion = (task: Task, expected: number | undefined): E.Either<DomainError, Task> =>
  expected === undefined || expected === task.version
    ? E.right(task)
    : E.left({ _tag: 'VersionMismatch', expected, actual: task.version })

export const checkNote = (note: string | undefined, path = 'note'): E.Either<DomainError, string | undefined> =>
  note !== undefined && charCount(note) > REASON_MAX ? E.left(invalidField(path, `must be at most ${REASON_MAX} characters`)) : E.right(note)
