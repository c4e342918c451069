import * as E from 'fp-ts/lib/Either.js'
import { auditEntry, mayUpdateProject, recordChanges, updateProject as applyPatch, type ProjectPatch } from '../../domain/index.js'
import { loadProject } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { transact } from '../transaction.js'
import { projectView, type ProjectView } from '../views.js'

/** Name and description, admin+. An update that changes nothing writes nothing. */
export const updateProject = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, projectId: number, patch: ProjectPatch): Promise<E.Either<AppError, ProjectView>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId, mayUpdateProject)
      if (E.isLeft(context)) return context
      const { project } = context.right
      const now = deps.clock.now()
      const next = applyPatch(project, patch, now)
      if (E.isLeft(next)) return next
      if (next.right !== project) {
        await stores.projects.update(next.right)
        const changes = recordChanges(
          { name: project.name, description: project.description },
          { name: next.right.name, description: next.right.description },
        )
        await stores.audit.append(auditEntry(actorOf(caller), project.id, 'project', project.id, 'updated', changes, now))
      }
      return E.right(await projectView(stores, next.right))
    })
