import * as E from 'fp-ts/lib/Either.js'
import { loadProject } from '../access.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { fetchPage, isIdKey, resolvePage, type Page, type PageRequest } from '../pagination.js'
import type { TaskFilter } from '../ports/index.js'
import { readOnly } from '../transaction.js'
import { taskViews, type TaskView } from '../views.js'

/** A project's tasks in number order, filtered, a keyset page at a time. */
export const listTasks = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, projectId: number, filter: TaskFilter, request: PageRequest): Promise<E.Either<AppError, Page<TaskView>>> =>
    readOnly(deps.uow, async (stores) => {
      const page = resolvePage(request, isIdKey)
      if (E.isLeft(page)) return page
      const context = await loadProject(stores, caller, projectId)
      if (E.isLeft(context)) return context
      const result = await fetchPage(page.right, (q) => stores.tasks.list(projectId, filter, q), (t) => t.id)
      return E.right({ items: await taskViews(stores, context.right.project, result.items), nextCursor: result.nextCursor })
    })
