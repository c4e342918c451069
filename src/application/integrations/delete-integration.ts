import * as E from 'fp-ts/lib/Either.js'
import { auditEntry, mayManageTokens } from '../../domain/index.js'
import { loadProject } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import { notFound, type AppError } from '../errors.js'
import { transact } from '../transaction.js'

/** Admin+. The links of tasks it created stay (the tasks are the project's); its webhook stops answering. */
export const deleteIntegration = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, projectId: number, integrationId: string): Promise<E.Either<AppError, void>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId, mayManageTokens)
      if (E.isLeft(context)) return context
      const integration = await stores.integrations.byId(integrationId)
      if (!integration || integration.projectId !== projectId) return E.left(notFound(`Integration ${integrationId} not found`))
      await stores.integrations.delete(integration.id)
      await stores.audit.append(auditEntry(actorOf(caller), projectId, 'integration', integration.id, 'integration_deleted', { before: { type: integration.type, settings: integration.settings } }, deps.clock.now()))
      return E.right(undefined)
    })
