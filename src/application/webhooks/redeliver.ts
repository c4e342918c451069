import * as E from 'fp-ts/lib/Either.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import { conflict, type AppError } from '../errors.js'
import { transact } from '../transaction.js'
import { deliveryNotFound } from './list-deliveries.js'
import { ENDPOINT_INACTIVE } from './ping-webhook.js'
import { loadEndpoint } from './webhook-access.js'

/**
 * Admin+. One more attempt now, with the same event id and body. A finished delivery (succeeded or failed) is
 * attempted once more, without retries after it (as Stripe's resend); a pending one is attempted now and keeps
 * its schedule.
 */
export const redeliver = (deps: Pick<Deps, 'uow' | 'clock' | 'eventNotifier'>) =>
  async (caller: Caller, projectId: number, endpointId: string, deliveryId: string): Promise<E.Either<AppError, { readonly deliveryId: string }>> => {
    const result = await transact(deps.uow, async (stores) => {
      const loaded = await loadEndpoint(stores, caller, projectId, endpointId)
      if (E.isLeft(loaded)) return loaded
      if (!loaded.right.endpoint.isActive) return E.left(conflict(ENDPOINT_INACTIVE))
      const delivery = await stores.webhooks.delivery(deliveryId)
      if (!delivery || delivery.endpointId !== endpointId) return E.left(deliveryNotFound(deliveryId))
      await stores.webhooks.updateDelivery({ ...delivery, status: 'pending', nextAttemptAt: deps.clock.now(), onDemand: delivery.status !== 'pending' }, null)
      return E.right({ deliveryId })
    })
    if (E.isRight(result)) deps.eventNotifier?.eventsCommitted()
    return result
  }
