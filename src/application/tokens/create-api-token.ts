import * as E from 'fp-ts/lib/Either.js'
import { auditEntry, createApiToken as newToken, mayManageTokens, validateStatusMap, type ApiToken } from '../../domain/index.js'
import { loadProject } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { transact } from '../transaction.js'

export interface CreateApiTokenCommand {
  readonly name: string
  readonly statusMap?: Readonly<Record<string, string>>
}

export interface IssuedApiToken {
  readonly token: ApiToken
  /** The raw token: returned here once, never stored, never logged. */
  readonly raw: string
}

/** Admin+. 256 random bits; only the SHA-256 is stored. */
export const createApiToken = (deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'secrets'>) =>
  (caller: Caller, projectId: number, command: CreateApiTokenCommand): Promise<E.Either<AppError, IssuedApiToken>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId, mayManageTokens)
      if (E.isLeft(context)) return context
      const statusMap = validateStatusMap(command.statusMap ?? {})
      if (E.isLeft(statusMap)) return statusMap
      const now = deps.clock.now()
      const raw = deps.secrets.generate()
      const token = newToken(
        { id: deps.ids.uuid(), projectId, name: command.name, tokenHash: deps.secrets.hash(raw), statusMap: statusMap.right, createdById: caller.worker.id },
        now,
      )
      if (E.isLeft(token)) return token
      await stores.tokens.insert(token.right)
      await stores.audit.append(
        auditEntry(actorOf(caller), projectId, 'api_token', token.right.id, 'token_created', { after: { name: token.right.name, status_map: { ...token.right.statusMap } } }, now),
      )
      return E.right({ token: token.right, raw })
    })
