import * as E from 'fp-ts/lib/Either.js'
import { auditEntry } from '../../domain/index.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { transact } from '../transaction.js'
import { endpointFields, loadEndpoint } from './webhook-access.js'

/** Admin+. Its deliveries go with it, pending ones included (nothing more is sent to it). */
export const deleteWebhook = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, projectId: number, endpointId: string): Promise<E.Either<AppError, void>> =>
    transact(deps.uow, async (stores) => {
      const loaded = await loadEndpoint(stores, caller, projectId, endpointId)
      if (E.isLeft(loaded)) return loaded
      await stores.webhooks.deleteEndpoint(endpointId)
      await stores.audit.append(auditEntry(actorOf(caller), projectId, 'webhook', endpointId, 'webhook_deleted', { before: endpointFields(loaded.right.endpoint) }, deps.clock.now()))
      return E.right(undefined)
    })
