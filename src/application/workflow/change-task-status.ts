import type * as E from 'fp-ts/lib/Either.js'
import { changeStatus, mayModifyTask, type TaskStatus } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import type { TaskView } from '../views.js'
import { runTaskChange } from './change-task.js'

export interface ChangeStatusCommand {
  readonly status: TaskStatus
  readonly reason?: string
  readonly expectedVersion?: number
}

/** PATCH …/status: only the workflow table's edges; `review` is left only through approve/reject. */
export const changeTaskStatus = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, taskId: number, command: ChangeStatusCommand): Promise<E.Either<AppError, TaskView>> =>
    runTaskChange(deps, caller, taskId, {
      permission: mayModifyTask,
      apply: (task, now) => changeStatus(task, command.status, now),
      action: 'status_changed',
      ...(command.reason ? { details: { reason: command.reason } } : {}),
      expectedVersion: command.expectedVersion,
    })
