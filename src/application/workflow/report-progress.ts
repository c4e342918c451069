import * as E from 'fp-ts/lib/Either.js'
import { checkNote, mayModifyTask, reportProgress as applyProgress } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import type { TaskView } from '../views.js'
import { runTaskChange } from './change-task.js'

export interface ReportProgressCommand {
  readonly percent: number
  readonly note?: string
}

/** PATCH …/progress: 0..100 while the task is `in_progress` or `review`; the note goes into the audit entry. */
export const reportProgress = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, taskId: number, command: ReportProgressCommand): Promise<E.Either<AppError, TaskView>> =>
    runTaskChange(deps, caller, taskId, {
      permission: mayModifyTask,
      apply: (task, now) => E.flatMap(checkNote(command.note), () => applyProgress(task, command.percent, now)),
      action: 'progress_updated',
      ...(command.note ? { details: { note: command.note } } : {}),
    })
