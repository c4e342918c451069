import type { IntegrationReader, IntegrationWriter } from '../../../application/index.js'
import { UniqueViolation } from '../../../application/index.js'
import type { Tables } from './memory-db.js'
import { keysetPage } from './keyset.js'

export const memoryIntegrationStore = (t: Tables): IntegrationReader & IntegrationWriter => ({
  byId: async (id) => t.integrations.get(id),
  list: async (projectId, page) =>
    keysetPage(
      [...t.integrations.values()]
        .filter((i) => i.projectId === projectId)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id)),
      (i) => ({ createdAt: i.createdAt, id: i.id }),
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
      page,
    ),
  delivery: async (integrationId, deliveryId) => t.deliveries.get(`${integrationId}:${deliveryId}`),
  insert: async (integration) => {
    if (t.integrations.has(integration.id)) throw new UniqueViolation('integration')
    t.integrations.set(integration.id, integration)
  },
  update: async (integration) => {
    t.integrations.set(integration.id, integration)
  },
  delete: async (id) => {
    t.integrations.delete(id)
    for (const key of [...t.deliveries.keys()]) if (key.startsWith(`${id}:`)) t.deliveries.delete(key)
  },
  recordDelivery: async (delivery) => {
    const key = `${delivery.integrationId}:${delivery.deliveryId}`
    if (t.deliveries.has(key)) throw new UniqueViolation('webhook_delivery')
    t.deliveries.set(key, delivery)
  },
})
