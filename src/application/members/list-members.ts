import * as E from 'fp-ts/lib/Either.js'
import { loadProject } from '../access.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { fetchPage, isIdKey, resolvePage, type Page, type PageRequest } from '../pagination.js'
import { readOnly } from '../transaction.js'
import { memberViews, type MemberView } from '../views.js'

/** Humans and agents in one list, by worker id. */
export const listMembers = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, projectId: number, request: PageRequest): Promise<E.Either<AppError, Page<MemberView>>> =>
    readOnly(deps.uow, async (stores) => {
      const page = resolvePage(request, isIdKey)
      if (E.isLeft(page)) return page
      const context = await loadProject(stores, caller, projectId)
      if (E.isLeft(context)) return context
      const result = await fetchPage(page.right, (q) => stores.members.list(projectId, q), (m) => m.workerId)
      return E.right({ items: await memberViews(stores, result.items), nextCursor: result.nextCursor })
    })
