// Outgoing webhooks in memory: endpoints, the outbox of events, deliveries with their claim (token and lease) and
// the attempts. Claims follow the same two steps as PostgreSQL (pg webhook-store.ts): the due endpoints with room,
// oldest due first (at most `limit`), then each one's oldest due deliveries up to its room, then the oldest
// `limit` of those; transactions are serialized, so nothing can race a claim here.
import type { ClaimedDelivery, StoredDelivery, WebhookReader, WebhookWriter } from '../../../application/index.js'
import { UniqueViolation } from '../../../application/index.js'
import type { ProjectId, WebhookEndpoint, WorkerId } from '../../../domain/index.js'
import type { EventDeliveryRow, Tables } from './memory-db.js'
import { keysetPage } from './keyset.js'

/** Code-point order, as PostgreSQL orders the lowercase text of UUIDs. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const byTime = (a: Date, b: Date): number => a.getTime() - b.getTime()

const endpointOrder = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number =>
  byTime(a.createdAt, b.createdAt) || byText(a.id, b.id)
/** Deliveries are listed newest first. */
const newestFirst = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number => -endpointOrder(a, b)

const stored = ({ claimToken: _token, claimedUntil: _until, ...delivery }: EventDeliveryRow): StoredDelivery => delivery

/** Removes deliveries (and their attempts) that match. */
const dropDeliveries = (t: Tables, drop: (d: EventDeliveryRow) => boolean): void => {
  for (const [id, d] of t.eventDeliveries) {
    if (!drop(d)) continue
    t.eventDeliveries.delete(id)
    t.deliveryAttempts.delete(id)
  }
}

/** As ON DELETE CASCADE from projects: the project's endpoints and events, and every delivery of either. */
export const dropProjectWebhooks = (t: Tables, projectId: ProjectId): void => {
  const endpoints = new Set([...t.webhookEndpoints.values()].filter((e) => e.projectId === projectId).map((e) => e.id))
  const events = new Set([...t.webhookEvents.values()].filter((e) => e.projectId === projectId).map((e) => e.id))
  dropDeliveries(t, (d) => endpoints.has(d.endpointId) || events.has(d.eventId))
  for (const id of endpoints) t.webhookEndpoints.delete(id)
  for (const id of events) t.webhookEvents.delete(id)
}

/** As ON DELETE SET NULL from workers: endpoints they created stay, without a creator. */
export const forgetWebhookCreator = (t: Tables, workerId: WorkerId): void => {
  for (const [id, e] of t.webhookEndpoints) if (e.createdById === workerId) t.webhookEndpoints.set(id, { ...e, createdById: null })
}

export const memoryWebhookStore = (t: Tables): WebhookReader & WebhookWriter => ({
  endpoint: async (id) => t.webhookEndpoints.get(id),
  endpoints: async (projectId, page) =>
    keysetPage(
      [...t.webhookEndpoints.values()].filter((e) => e.projectId === projectId).sort(endpointOrder),
      (e) => ({ createdAt: e.createdAt, id: e.id }),
      endpointOrder,
      page,
    ),
  activeEndpoints: async (projectIds) => {
    const wanted = new Set(projectIds)
    return [...t.webhookEndpoints.values()].filter((e) => e.isActive && wanted.has(e.projectId)).sort(endpointOrder)
  },
  delivery: async (id) => {
    const row = t.eventDeliveries.get(id)
    return row && stored(row)
  },
  deliveries: async (endpointId, status, page) =>
    keysetPage(
      [...t.eventDeliveries.values()]
        .filter((d) => d.endpointId === endpointId && (status === undefined || d.status === status))
        .sort(newestFirst)
        .map(stored),
      (d) => ({ createdAt: d.createdAt, id: d.id }),
      newestFirst,
      page,
    ),
  eventBody: async (eventId) => t.webhookEvents.get(eventId)?.body,
  attempts: async (deliveryId) => t.deliveryAttempts.get(deliveryId) ?? [],

  insertEndpoint: async (endpoint) => {
    if (t.webhookEndpoints.has(endpoint.id)) throw new UniqueViolation('webhook_endpoint')
    t.webhookEndpoints.set(endpoint.id, endpoint)
  },
  updateEndpoint: async (endpoint) => {
    const current = t.webhookEndpoints.get(endpoint.id)
    // As the SQL update: the project, the creator and the creation time never change.
    if (current) t.webhookEndpoints.set(endpoint.id, { ...endpoint, projectId: current.projectId, createdById: current.createdById, createdAt: current.createdAt })
  },
  updateEndpointHealth: async (id, health) => {
    const current = t.webhookEndpoints.get(id)
    if (!current) return false
    const disabling = health.disabledReason !== undefined && current.isActive
    t.webhookEndpoints.set(id, {
      ...current, lastSuccessAt: health.lastSuccessAt, failingSince: health.failingSince,
      ...(disabling ? { isActive: false, disabledReason: health.disabledReason ?? null, updatedAt: health.now } : {}),
    })
    return disabling
  },
  deleteEndpoint: async (id) => {
    t.webhookEndpoints.delete(id)
    dropDeliveries(t, (d) => d.endpointId === id)
  },
  enqueue: async (events, deliveries) => {
    for (const event of events) {
      if (t.webhookEvents.has(event.id)) throw new UniqueViolation('webhook_event')
      t.webhookEvents.set(event.id, event)
    }
    for (const delivery of deliveries) {
      if (t.eventDeliveries.has(delivery.id)) throw new UniqueViolation('webhook_event_delivery')
      if (!t.webhookEndpoints.has(delivery.endpointId) || !t.webhookEvents.has(delivery.eventId)) {
        throw new Error(`delivery ${delivery.id} references a missing endpoint or event (foreign key)`)
      }
      t.eventDeliveries.set(delivery.id, { ...delivery, claimToken: null, claimedUntil: null })
    }
  },
  claimDue: async ({ now, leaseUntil, claimToken, limit, perEndpoint }) => {
    if (limit <= 0 || perEndpoint <= 0) return []
    const leased = (d: EventDeliveryRow) => d.claimedUntil !== null && d.claimedUntil.getTime() > now.getTime()
    const inFlight = new Map<string, number>()
    const due = new Map<string, EventDeliveryRow[]>()
    for (const d of t.eventDeliveries.values()) {
      if (d.status !== 'pending') continue
      if (leased(d)) inFlight.set(d.endpointId, (inFlight.get(d.endpointId) ?? 0) + 1)
      else if (d.nextAttemptAt !== null && d.nextAttemptAt.getTime() <= now.getTime()) due.set(d.endpointId, [...(due.get(d.endpointId) ?? []), d])
    }
    const byDue = (a: EventDeliveryRow, b: EventDeliveryRow) => byTime(a.nextAttemptAt ?? now, b.nextAttemptAt ?? now) || byText(a.id, b.id)
    const room = (e: WebhookEndpoint) => perEndpoint - (inFlight.get(e.id) ?? 0)
    // 1. The active endpoints with due deliveries and room, oldest due first, at most `limit` of them.
    const endpoints = [...due.keys()]
      .map((id) => t.webhookEndpoints.get(id))
      .filter((e): e is WebhookEndpoint => e !== undefined && e.isActive && room(e) > 0)
      .map((e) => ({ e, due: (due.get(e.id) ?? []).sort(byDue) }))
      .sort((a, b) => byTime(a.due[0]?.nextAttemptAt ?? now, b.due[0]?.nextAttemptAt ?? now) || byText(a.e.id, b.e.id))
      .slice(0, limit)
    // 2. Each one's oldest due deliveries up to its room; 3. the oldest `limit` of all those.
    const picked = endpoints.flatMap(({ e, due: rows }) => rows.slice(0, room(e))).sort(byDue).slice(0, limit)
    return picked.map((d): ClaimedDelivery => {
      t.eventDeliveries.set(d.id, { ...d, claimToken, claimedUntil: leaseUntil })
      return { delivery: stored(d), endpoint: t.webhookEndpoints.get(d.endpointId) as WebhookEndpoint, body: t.webhookEvents.get(d.eventId)?.body ?? '', claimToken }
    })
  },
  updateDelivery: async (d, claimToken) => {
    const row = t.eventDeliveries.get(d.id)
    if (claimToken !== null && row?.claimToken !== claimToken) return false
    if (row) {
      t.eventDeliveries.set(d.id, {
        ...row, status: d.status, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt, lastStatusCode: d.lastStatusCode,
        lastError: d.lastError, deliveredAt: d.deliveredAt, onDemand: d.onDemand, claimToken: null, claimedUntil: null,
      })
    }
    return true
  },
  addAttempt: async (deliveryId, attempt) => {
    if (!t.eventDeliveries.has(deliveryId)) throw new Error(`attempt of a missing delivery ${deliveryId} (foreign key)`)
    t.deliveryAttempts.set(deliveryId, [...(t.deliveryAttempts.get(deliveryId) ?? []), attempt])
  },
  recordAttempts: async (records) => {
    const written: string[] = []
    for (const { delivery: d, claimToken, attempt } of records) {
      const row = t.eventDeliveries.get(d.id)
      if (!row) continue
      if (row.claimToken === claimToken) {
        t.eventDeliveries.set(d.id, {
          ...row, status: d.status, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt, lastStatusCode: d.lastStatusCode,
          lastError: d.lastError, deliveredAt: d.deliveredAt, onDemand: d.onDemand, claimToken: null, claimedUntil: null,
        })
        written.push(d.id)
      }
      t.deliveryAttempts.set(d.id, [...(t.deliveryAttempts.get(d.id) ?? []), attempt])
    }
    return written
  },
})
