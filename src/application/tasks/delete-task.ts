import * as E from 'fp-ts/lib/Either.js'
import { auditEntry, mayModifyTask, taskSnapshot } from '../../domain/index.js'
import { loadTask } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { refreshRollup } from '../rollup.js'
import { transact } from '../transaction.js'

/** Refused (409) while the task has subtasks, unless `force`: then the whole subtree goes, in one audit entry. */
export const deleteTask = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, taskId: number, force: boolean): Promise<E.Either<AppError, void>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadTask(stores, caller, taskId, mayModifyTask)
      if (E.isLeft(context)) return context
      const { project, task } = context.right
      const descendants = await stores.tasks.descendantIds(task.id)
      if (descendants.length > 0 && !force) return E.left({ _tag: 'TaskHasSubtasks', subtaskCount: descendants.length })
      await stores.tasks.delete([task.id, ...descendants])
      await stores.audit.append(
        auditEntry(actorOf(caller), project.id, 'task', task.id, 'deleted', { before: taskSnapshot(task), deleted_subtask_ids: [...descendants] }, deps.clock.now()),
      )
      await refreshRollup(stores, task.parentTaskId)
      return E.right(undefined)
    })
