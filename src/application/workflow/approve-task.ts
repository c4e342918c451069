import type * as E from 'fp-ts/lib/Either.js'
import { approve, mayReview } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import type { TaskView } from '../views.js'
import { runTaskChange } from './change-task.js'

/** review -> completed; admin+, or a member who is not the assignee. */
export const approveTask = (deps: Pick<Deps, 'uow' | 'clock'>) => (caller: Caller, taskId: number): Promise<E.Either<AppError, TaskView>> =>
  runTaskChange(deps, caller, taskId, { permission: mayReview, apply: approve, action: 'approved' })
