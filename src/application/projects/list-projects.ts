import * as E from 'fp-ts/lib/Either.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { fetchPage, isIdKey, resolvePage, type Page, type PageRequest } from '../pagination.js'
import { readOnly } from '../transaction.js'
import { projectViews, type ProjectView } from '../views.js'

/** The projects the caller is a member of (every project for a platform admin), by id. */
export const listProjects = (deps: Pick<Deps, 'uow'>) => (caller: Caller, request: PageRequest): Promise<E.Either<AppError, Page<ProjectView>>> =>
  readOnly(deps.uow, async (stores) => {
    const page = resolvePage(request, isIdKey)
    if (E.isLeft(page)) return page
    const result = await fetchPage(page.right, (q) => stores.projects.list(caller.platformAdmin ? 'all' : caller.worker.id, q), (p) => p.id)
    return E.right({ items: await projectViews(stores, result.items), nextCursor: result.nextCursor })
  })
