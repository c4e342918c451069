import * as E from 'fp-ts/lib/Either.js'
import {
  auditEntry, checkVersion, hasChanges, mayModifyTask, setParent, taskChanges, updateTaskFields, type TaskId, type TaskPatch,
} from '../../domain/index.js'
import { loadTask } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { refreshRollup } from '../rollup.js'
import { transact } from '../transaction.js'
import { taskView, type TaskView } from '../views.js'
import { checkParentOf } from './task-checks.js'

export interface UpdateTaskCommand extends TaskPatch {
  /** A new parent (same project, never a descendant), or null to make the task top-level. */
  readonly parentTaskId?: TaskId | null
  /** If-Match: the version the caller last saw. */
  readonly expectedVersion?: number
}

export const updateTask = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, taskId: number, command: UpdateTaskCommand): Promise<E.Either<AppError, TaskView>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadTask(stores, caller, taskId, mayModifyTask)
      if (E.isLeft(context)) return context
      const { project, task } = context.right
      const current = checkVersion(task, command.expectedVersion)
      if (E.isLeft(current)) return current
      const now = deps.clock.now()
      const edited = updateTaskFields(task, command, now)
      if (E.isLeft(edited)) return edited
      let next = edited.right
      if (command.parentTaskId !== undefined && command.parentTaskId !== task.parentTaskId) {
        const parent = await checkParentOf(stores, task, command.parentTaskId)
        if (E.isLeft(parent)) return parent
        next = setParent(next, command.parentTaskId, now)
      }
      // One request is one change: the version moves by exactly one however many fields changed.
      const changes = taskChanges(task, next)
      if (hasChanges(changes)) {
        next = { ...next, version: task.version + 1 }
        await stores.tasks.update(next, task.version)
        await stores.audit.append(auditEntry(actorOf(caller), project.id, 'task', task.id, 'updated', changes, now))
        if (next.parentTaskId !== task.parentTaskId) {
          await refreshRollup(stores, task.parentTaskId)
          await refreshRollup(stores, next.parentTaskId)
        }
      }
      return E.right(await taskView(stores, project, next))
    })
