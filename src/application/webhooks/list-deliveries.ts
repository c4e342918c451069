import * as E from 'fp-ts/lib/Either.js'
import { DELIVERY_STATUSES, invalidField, type DeliveryAttempt, type DeliveryStatus, type EventDelivery } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import { notFound, type AppError } from '../errors.js'
import { fetchCreatedPage, type Page, type PageRequest } from '../pagination.js'
import { readOnly } from '../transaction.js'
import { loadEndpoint } from './webhook-access.js'

export interface DeliveryDetail {
  readonly delivery: EventDelivery
  /** The exact body sent on every attempt. */
  readonly requestBody: string
  readonly attempts: readonly DeliveryAttempt[]
}

const isStatus = (value: string): value is DeliveryStatus => (DELIVERY_STATUSES as readonly string[]).includes(value)

/** Admin+. Newest first; `status` filters. */
export const listDeliveries = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, projectId: number, endpointId: string, request: PageRequest & { readonly status?: string }): Promise<E.Either<AppError, Page<EventDelivery>>> =>
    readOnly(deps.uow, async (stores) => {
      const loaded = await loadEndpoint(stores, caller, projectId, endpointId)
      if (E.isLeft(loaded)) return loaded
      const status = request.status
      if (status !== undefined && !isStatus(status)) return E.left(invalidField('status', `must be one of ${DELIVERY_STATUSES.join(', ')}`))
      return fetchCreatedPage(request, (query) => stores.webhooks.deliveries(endpointId, status, query))
    })

export const deliveryNotFound = (id: string): AppError => notFound(`Delivery ${id} not found`)

/** Admin+. With the request body and every attempt (at most 1 KiB of each response). */
export const getDelivery = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, projectId: number, endpointId: string, deliveryId: string): Promise<E.Either<AppError, DeliveryDetail>> =>
    readOnly(deps.uow, async (stores) => {
      const loaded = await loadEndpoint(stores, caller, projectId, endpointId)
      if (E.isLeft(loaded)) return loaded
      const delivery = await stores.webhooks.delivery(deliveryId)
      if (!delivery || delivery.endpointId !== endpointId) return E.left(deliveryNotFound(deliveryId))
      const [requestBody, attempts] = await Promise.all([stores.webhooks.eventBody(delivery.eventId), stores.webhooks.attempts(delivery.id)])
      return E.right({ delivery, requestBody: requestBody ?? '', attempts })
    })
