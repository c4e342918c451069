import * as E from 'fp-ts/lib/Either.js'
import { assign, mayModifyTask, type WorkerId } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { checkAssigneeOf } from '../tasks/task-checks.js'
import type { TaskView } from '../views.js'
import { runTaskChange } from './change-task.js'

/**
 * PATCH …/assign: to a member of the task's project (human or agent), or null to unassign. An explicit
 * assignment also drops a pending sync assignee, so that a later member add does not override it.
 */
export const assignTask = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, taskId: number, assigneeId: WorkerId | null): Promise<E.Either<AppError, TaskView>> =>
    runTaskChange(deps, caller, taskId, {
      permission: mayModifyTask,
      apply: async (task, now, stores, project) => {
        const checked = await checkAssigneeOf(stores, project, assigneeId)
        if (E.isLeft(checked)) return checked
        for (const link of await stores.links.byTaskIds([task.id])) {
          if (link.pendingAssigneeEmail !== null) await stores.links.update({ ...link, pendingAssigneeEmail: null, updatedAt: now })
        }
        return E.right(assign(task, assigneeId, now))
      },
      action: (_before, after) => (after.assigneeId === null ? 'unassigned' : 'assigned'),
    })
