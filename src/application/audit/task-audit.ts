import * as E from 'fp-ts/lib/Either.js'
import type { AuditEntry } from '../../domain/index.js'
import { loadTask } from '../access.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { fetchPage, isIdKey, resolvePage, type Page, type PageRequest } from '../pagination.js'
import { readOnly } from '../transaction.js'

/** A task's history, oldest first. */
export const taskAudit = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, taskId: number, request: PageRequest): Promise<E.Either<AppError, Page<AuditEntry>>> =>
    readOnly(deps.uow, async (stores) => {
      const page = resolvePage(request, isIdKey)
      if (E.isLeft(page)) return page
      const context = await loadTask(stores, caller, taskId)
      if (E.isLeft(context)) return context
      return E.right(await fetchPage(page.right, (q) => stores.audit.forTask(taskId, q), (e) => e.id))
    })
