import * as E from 'fp-ts/lib/Either.js'
import type { AuditEntry } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { fetchPage, isIdKey, resolvePage, type Page, type PageRequest } from '../pagination.js'
import { readOnly } from '../transaction.js'

/**
 * One actor's entries across the caller's projects (all projects for a platform admin), newest first.
 * Without `actorId`, the caller's own entries.
 */
export const actorAudit = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, actorId: string | undefined, request: PageRequest): Promise<E.Either<AppError, Page<AuditEntry>>> =>
    readOnly(deps.uow, async (stores) => {
      const page = resolvePage(request, isIdKey)
      if (E.isLeft(page)) return page
      const scope = caller.platformAdmin ? 'all' : await stores.members.projectIdsOf(caller.worker.id)
      return E.right(await fetchPage(page.right, (q) => stores.audit.byActor(actorId ?? String(caller.worker.id), scope, q), (e) => e.id))
    })
