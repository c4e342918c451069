import * as E from 'fp-ts/lib/Either.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import { conflict, type AppError } from '../errors.js'
import { transact } from '../transaction.js'
import { eventBody, newEventId } from './outbox.js'
import { loadEndpoint } from './webhook-access.js'

export const ENDPOINT_INACTIVE = 'The webhook is not active; re-activate it (PATCH is_active: true) first'

/** Admin+. One `webhook.ping` event for this endpoint only (`sequence` null, `data` {}); not audited (nothing changes). */
export const pingWebhook = (deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'eventNotifier'>) =>
  async (caller: Caller, projectId: number, endpointId: string): Promise<E.Either<AppError, { readonly deliveryId: string }>> => {
    const result = await transact(deps.uow, async (stores) => {
      const loaded = await loadEndpoint(stores, caller, projectId, endpointId)
      if (E.isLeft(loaded)) return loaded
      if (!loaded.right.endpoint.isActive) return E.left(conflict(ENDPOINT_INACTIVE))
      const now = deps.clock.now()
      const id = newEventId(deps.ids)
      const deliveryId = deps.ids.uuid()
      await stores.webhooks.enqueue(
        [{ id, projectId, type: 'webhook.ping', sequence: null, createdAt: now, body: eventBody({ id, type: 'webhook.ping', createdAt: now, projectId, sequence: null, data: {} }) }],
        [{ id: deliveryId, endpointId, eventId: id, eventType: 'webhook.ping', status: 'pending', attempts: 0, nextAttemptAt: now, lastStatusCode: null, lastError: null, createdAt: now, deliveredAt: null, onDemand: false }],
      )
      return E.right({ deliveryId })
    })
    if (E.isRight(result)) deps.eventNotifier?.eventsCommitted()
    return result
  }
