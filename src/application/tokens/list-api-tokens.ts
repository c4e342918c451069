import * as E from 'fp-ts/lib/Either.js'
import { mayManageTokens, type ApiToken } from '../../domain/index.js'
import { loadProject } from '../access.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { resolvePage, toPage, type Page, type PageRequest } from '../pagination.js'
import type { TokenKey } from '../ports/index.js'
import { transact } from '../transaction.js'

interface WireKey {
  readonly t: string
  readonly id: string
}

const isWireKey = (value: unknown): value is WireKey =>
  typeof value === 'object' && value !== null && typeof (value as WireKey).t === 'string' && typeof (value as WireKey).id === 'string' &&
  !Number.isNaN(Date.parse((value as WireKey).t))

/** Admin+. The hash is part of the entity but the HTTP adapter never encodes it. */
export const listApiTokens = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, projectId: number, request: PageRequest): Promise<E.Either<AppError, Page<ApiToken>>> =>
    transact(deps.uow, async (stores) => {
      const page = resolvePage(request, isWireKey)
      if (E.isLeft(page)) return page
      const context = await loadProject(stores, caller, projectId, mayManageTokens)
      if (E.isLeft(context)) return context
      const after: TokenKey | undefined = page.right.after && { createdAt: new Date(page.right.after.t), id: page.right.after.id }
      const rows = await stores.tokens.list(projectId, { after, limit: page.right.limit + 1 })
      return E.right(toPage(rows, page.right.limit, (t): WireKey => ({ t: t.createdAt.toISOString(), id: t.id })))
    })
