import type * as E from 'fp-ts/lib/Either.js'
import type { TaskInput } from '../../domain/index.js'
import { loadProject } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { transact } from '../transaction.js'
import type { TaskView } from '../views.js'
import { insertTask } from './insert-task.js'

/** Member+; the assignee must be a project member; a parent must be in the same project. */
export const createTask = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, projectId: number, input: TaskInput): Promise<E.Either<AppError, TaskView>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId)
      return context._tag === 'Left' ? context : insertTask(stores, context.right, input, actorOf(caller), deps.clock.now())
    })
