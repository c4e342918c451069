// The shape every workflow operation shares: load the task the caller may see, check permission and
// If-Match, apply a domain rule, then write the task, its audit entry and the rollup in the one transaction.
import * as E from 'fp-ts/lib/Either.js'
import {
  auditEntry, checkVersion, taskChanges, type AuditAction, type AuditDetails, type DomainError, type Project, type Task,
} from '../../domain/index.js'
import { loadTask, type TaskPermission } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import type { Stores } from '../ports/index.js'
import { refreshRollup } from '../rollup.js'
import { transact } from '../transaction.js'
import { taskView, type TaskView } from '../views.js'

export interface TaskChange {
  readonly permission: TaskPermission
  readonly apply: (
    task: Task,
    now: Date,
    stores: Stores,
    project: Project,
  ) => E.Either<DomainError, Task> | Promise<E.Either<AppError, Task>>
  readonly action: AuditAction | ((before: Task, after: Task) => AuditAction)
  /** Extra audit details (reason, note). */
  readonly details?: AuditDetails
  readonly expectedVersion?: number
}

export const runTaskChange = (deps: Pick<Deps, 'uow' | 'clock'>, caller: Caller, taskId: number, change: TaskChange): Promise<E.Either<AppError, TaskView>> =>
  transact(deps.uow, async (stores) => {
    const context = await loadTask(stores, caller, taskId, change.permission)
    if (E.isLeft(context)) return context
    const { project, task } = context.right
    const current = checkVersion(task, change.expectedVersion)
    if (E.isLeft(current)) return current
    const now = deps.clock.now()
    const next = await change.apply(task, now, stores, project)
    if (E.isLeft(next)) return next
    if (next.right !== task) {
      await stores.tasks.update(next.right, task.version)
      const action = typeof change.action === 'function' ? change.action(task, next.right) : change.action
      await stores.audit.append(auditEntry(actorOf(caller), project.id, 'task', task.id, action, { ...taskChanges(task, next.right), ...change.details }, now))
      const refreshed = await refreshRollup(stores, next.right)
      return E.right(await taskView(stores, project, refreshed ?? next.right))
    }
    return E.right(await taskView(stores, project, task))
  })
