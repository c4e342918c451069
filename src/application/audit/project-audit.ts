import * as E from 'fp-ts/lib/Either.js'
import type { AuditEntry } from '../../domain/index.js'
import { loadProject } from '../access.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { fetchPage, isIdKey, resolvePage, type Page, type PageRequest } from '../pagination.js'
import type { AuditFilter } from '../ports/index.js'
import { readOnly } from '../transaction.js'

/** A project's history, newest first, filtered by actor, action and entity type. Every member may read it. */
export const projectAudit = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, projectId: number, filter: AuditFilter, request: PageRequest): Promise<E.Either<AppError, Page<AuditEntry>>> =>
    readOnly(deps.uow, async (stores) => {
      const page = resolvePage(request, isIdKey)
      if (E.isLeft(page)) return page
      const context = await loadProject(stores, caller, projectId)
      if (E.isLeft(context)) return context
      return E.right(await fetchPage(page.right, (q) => stores.audit.forProject(projectId, filter, q), (e) => e.id))
    })
