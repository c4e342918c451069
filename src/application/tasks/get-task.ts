import * as E from 'fp-ts/lib/Either.js'
import { loadTask } from '../access.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { transact } from '../transaction.js'
import { taskViews, type TaskDetail } from '../views.js'

export const RECENT_AUDIT_SIZE = 10

/** The task with its direct subtasks and its latest 10 audit entries: a fixed number of store calls. */
export const getTask = (deps: Pick<Deps, 'uow'>) => (caller: Caller, taskId: number): Promise<E.Either<AppError, TaskDetail>> =>
  transact(deps.uow, async (stores) => {
    const context = await loadTask(stores, caller, taskId)
    if (E.isLeft(context)) return context
    const { project, task } = context.right
    const [children, recentAudit] = await Promise.all([
      stores.tasks.children(task.id),
      stores.audit.recentForTask(task.id, RECENT_AUDIT_SIZE),
    ])
    const [view, ...subtasks] = await taskViews(stores, project, [task, ...children])
    return view ? E.right({ ...view, subtasks, recentAudit }) : E.left({ _tag: 'NotFound', message: `Task with ID ${taskId} not found` })
  })
