import * as E from 'fp-ts/lib/Either.js'
import { auditEntry, mayManageTokens, revoke } from '../../domain/index.js'
import { loadProject } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import { notFound, type AppError } from '../errors.js'
import { transact } from '../transaction.js'

/** Admin+. Sets `revoked_at`; revoking again changes nothing and succeeds. */
export const revokeApiToken = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, projectId: number, tokenId: string): Promise<E.Either<AppError, void>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId, mayManageTokens)
      if (E.isLeft(context)) return context
      const token = await stores.tokens.byId(tokenId)
      if (!token || token.projectId !== projectId) return E.left(notFound(`API token ${tokenId} not found`))
      const now = deps.clock.now()
      const revoked = revoke(token, now)
      if (revoked !== token) {
        await stores.tokens.update(revoked)
        await stores.audit.append(auditEntry(actorOf(caller), projectId, 'api_token', token.id, 'token_revoked', { before: { revoked_at: null }, after: { revoked_at: now.toISOString() } }, now))
      }
      return E.right(undefined)
    })
