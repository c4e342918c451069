import type * as E from 'fp-ts/lib/Either.js'
import { mayReview, reject } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import type { TaskView } from '../views.js'
import { runTaskChange } from './change-task.js'

/** review -> in_progress with a required reason, kept in the audit entry; same reviewers as approve. */
export const rejectTask = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, taskId: number, reason: string): Promise<E.Either<AppError, TaskView>> =>
    runTaskChange(deps, caller, taskId, {
      permission: mayReview,
      apply: (task, now) => reject(task, reason, now),
      action: 'rejected',
      details: { reason },
    })
