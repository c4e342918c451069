// POST /api/integrations/{iid}/webhook: a vendor's own payload, verified by its own signature scheme with the
// integration's webhook secret, translated into the task-sync upsert. Each delivery id is applied once: a
// redelivery gets the first answer again.
import * as E from 'fp-ts/lib/Either.js'
import { collect, integrationStatusMap, issue } from '../../domain/index.js'
import type { Deps } from '../deps.js'
import { notFound, unauthorized, type AppError } from '../errors.js'
import type { WebhookRequest } from '../ports/index.js'
import { applySync } from '../sync/apply-sync.js'
import { runWithRaceRetries } from '../sync/race-retry.js'
import { openCredential } from './create-integration.js'

export interface WebhookAnswer {
  /** 200: a task was created or updated; 202: nothing to change. */
  readonly status: 200 | 202
  readonly body: Readonly<Record<string, unknown>>
  /** True when this is a redelivery answered from the first delivery's record. */
  readonly replayed: boolean
}

export const receiveWebhook = (deps: Pick<Deps, 'uow' | 'clock' | 'cipher' | 'webhooks'>) =>
  (integrationId: string, request: WebhookRequest): Promise<E.Either<AppError, WebhookAnswer>> =>
    runWithRaceRetries(deps.uow, async (stores) => {
      const integration = await stores.integrations.byId(integrationId)
      if (!integration) return E.left(notFound(`Integration ${integrationId} not found`))
      const vendor = deps.webhooks?.[integration.type]
      if (!vendor) return E.left(notFound(`${integration.type} integrations have no webhook`))
      const secret = openCredential(deps.cipher, integration.webhookSecretSealed)
      if (E.isLeft(secret)) return secret
      const now = deps.clock.now()
      if (!vendor.verify(request, secret.right, now)) {
        return E.left(unauthorized('Invalid webhook signature'))
      }
      if (typeof request.body !== 'object' || request.body === null) return collect(null, issue('body', 'must be a JSON object')) as E.Either<AppError, never>
      const deliveryId = vendor.deliveryId(request)
      if (deliveryId !== undefined) {
        const earlier = await stores.integrations.delivery(integration.id, deliveryId)
        if (earlier) return E.right({ status: earlier.status === 200 ? 200 : 202, body: earlier.body, replayed: true })
      }
      const answer = async (status: 200 | 202, body: Record<string, unknown>): Promise<E.Either<AppError, WebhookAnswer>> => {
        if (deliveryId !== undefined) await stores.integrations.recordDelivery({ integrationId: integration.id, deliveryId, status, body, receivedAt: now })
        return E.right({ status, body, replayed: false })
      }
      if (!integration.isActive) return answer(202, { ignored: 'the integration is inactive' })
      const event = vendor.translate(request, integration)
      if (event.kind === 'ignored') return answer(202, { ignored: event.reason })
      const project = await stores.projects.byId(integration.projectId)
      if (!project) return E.left(notFound(`Integration ${integrationId} not found`))
      const synced = await applySync(stores, {
        project,
        actor: { type: 'api_token', id: integration.id },
        statusMap: integrationStatusMap(integration),
        now,
      }, event.payload)
      if (E.isLeft(synced)) return synced
      await stores.integrations.update({ ...integration, lastSyncedAt: now })
      return answer(200, { task_id: synced.right.taskId, short_id: synced.right.shortId, created: synced.right.created, warnings: [...synced.right.warnings] })
    })
