import * as E from 'fp-ts/lib/Either.js'
import { auditEntry, mayDeleteProject } from '../../domain/index.js'
import { loadProject } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { transact } from '../transaction.js'

/**
 * Owner only. With tasks and without `force`: refused with the contract's message (409). With `force`: the
 * project goes with its tasks, links, tokens and memberships; the audit log keeps its history.
 */
export const deleteProject = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, projectId: number, force: boolean): Promise<E.Either<AppError, void>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId, mayDeleteProject)
      if (E.isLeft(context)) return context
      const { project } = context.right
      const taskCount = await stores.tasks.countInProject(project.id)
      if (taskCount > 0 && !force) return E.left({ _tag: 'ProjectHasTasks', taskCount })
      await stores.projects.delete(project.id)
      await stores.audit.append(
        auditEntry(actorOf(caller), project.id, 'project', project.id, 'deleted', {
          before: { slug: project.slug, key: project.key, name: project.name, description: project.description },
          deleted_task_count: taskCount,
        }, deps.clock.now()),
      )
      return E.right(undefined)
    })
