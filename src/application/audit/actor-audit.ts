import * as E from 'fp-ts/lib/Either.js'
import type { AuditEntry } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { isIdKey, resolvePage, toPage, type Page, type PageRequest } from '../pagination.js'
import { transact } from '../transaction.js'

/**
 * One actor's entries across the caller's projects (all projects for a platform admin), newest first.
 * Without `actorId`, the caller's own entries.
 */
export const actorAudit = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, actorId: string | undefined, request: PageRequest): Promise<E.Either<AppError, Page<AuditEntry>>> =>
    transact(deps.uow, async (stores) => {
      const page = resolvePage(request, isIdKey)
      if (E.isLeft(page)) return page
      const scope = caller.platformAdmin ? 'all' : await stores.members.projectIdsOf(caller.worker.id)
      const rows = await stores.audit.byActor(actorId ?? String(caller.worker.id), scope, { after: page.right.after, limit: page.right.limit + 1 })
      return E.right(toPage(rows, page.right.limit, (e) => e.id))
    })
