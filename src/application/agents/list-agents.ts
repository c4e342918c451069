import * as E from 'fp-ts/lib/Either.js'
import type { Worker } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { fetchPage, isIdKey, resolvePage, type Page, type PageRequest } from '../pagination.js'
import { readOnly } from '../transaction.js'

/** The global agent registry, by id (any authenticated caller may read it, to add agents to projects). */
export const listAgents = (deps: Pick<Deps, 'uow'>) => (_caller: Caller, request: PageRequest): Promise<E.Either<AppError, Page<Worker>>> =>
  readOnly(deps.uow, async (stores) => {
    const page = resolvePage(request, isIdKey)
    if (E.isLeft(page)) return page
    return E.right(await fetchPage(page.right, (q) => stores.workers.listAgents(q), (a) => a.id))
  })
