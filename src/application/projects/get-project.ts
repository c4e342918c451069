import * as E from 'fp-ts/lib/Either.js'
import { loadProject } from '../access.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { readOnly } from '../transaction.js'
import { projectView, type ProjectView } from '../views.js'

export const getProject = (deps: Pick<Deps, 'uow'>) => (caller: Caller, projectId: number): Promise<E.Either<AppError, ProjectView>> =>
  readOnly(deps.uow, async (stores) => {
    const context = await loadProject(stores, caller, projectId)
    return E.isLeft(context) ? context : E.right(await projectView(stores, context.right.project))
  })
