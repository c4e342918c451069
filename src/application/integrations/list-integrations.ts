import * as E from 'fp-ts/lib/Either.js'
import { mayManageTokens, type Integration } from '../../domain/index.js'
import { loadProject } from '../access.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { fetchCreatedPage, type Page, type PageRequest } from '../pagination.js'
import { readOnly } from '../transaction.js'

/** Admin+. The entities carry sealed credentials; the HTTP adapter never encodes them. */
export const listIntegrations = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, projectId: number, request: PageRequest): Promise<E.Either<AppError, Page<Integration>>> =>
    readOnly(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId, mayManageTokens)
      if (E.isLeft(context)) return context
      return fetchCreatedPage(request, (query) => stores.integrations.list(projectId, query))
    })
