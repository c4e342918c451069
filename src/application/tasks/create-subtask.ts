import type * as E from 'fp-ts/lib/Either.js'
import type { TaskInput } from '../../domain/index.js'
import { loadTask } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { transact } from '../transaction.js'
import type { TaskView } from '../views.js'
import { insertTask } from './insert-task.js'

/** Same body as create task; the new task's parent is `parentId` (a `parent_task_id` in the body is ignored). */
export const createSubtask = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, parentId: number, input: TaskInput): Promise<E.Either<AppError, TaskView>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadTask(stores, caller, parentId)
      if (context._tag === 'Left') return context
      return insertTask(stores, context.right, { ...input, parentTaskId: parentId }, actorOf(caller), deps.clock.now())
    })
