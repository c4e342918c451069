import type { Integration, IntegrationId, ProjectId } from '../../domain/index.js'
import type { KeysetQuery } from './pagination.port.js'

export interface IntegrationKey {
  readonly createdAt: Date
  readonly id: IntegrationId
}

/** The answer given to a vendor's webhook delivery, kept so that a redelivery gets the same answer. */
export interface WebhookDelivery {
  readonly integrationId: IntegrationId
  readonly deliveryId: string
  readonly status: number
  readonly body: Readonly<Record<string, unknown>>
  readonly receivedAt: Date
}

export interface IntegrationReader {
  byId(id: IntegrationId): Promise<Integration | undefined>
  /** Integrations of a project ordered by (created_at, id). */
  list(projectId: ProjectId, page: KeysetQuery<IntegrationKey>): Promise<readonly Integration[]>
  delivery(integrationId: IntegrationId, deliveryId: string): Promise<WebhookDelivery | undefined>
}

export interface IntegrationWriter {
  insert(integration: Integration): Promise<void>
  update(integration: Integration): Promise<void>
  delete(id: IntegrationId): Promise<void>
  /** Throws UniqueViolation('webhook_delivery') when that delivery was recorded already. */
  recordDelivery(delivery: WebhookDelivery): Promise<void>
}
