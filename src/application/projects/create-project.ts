import * as E from 'fp-ts/lib/Either.js'
import type { ProjectInput } from '../../domain/index.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { transact } from '../transaction.js'
import { projectView, type ProjectView } from '../views.js'
import { insertProject } from './insert-project.js'

/** Any worker may create a project and becomes its owner. */
export const createProject = (deps: Pick<Deps, 'uow' | 'clock'>) => (caller: Caller, input: ProjectInput): Promise<E.Either<AppError, ProjectView>> =>
  transact(deps.uow, async (stores) => {
    const project = await insertProject(stores, caller.worker, input, actorOf(caller), deps.clock.now())
    return E.isLeft(project) ? project : E.right(await projectView(stores, project.right))
  })
