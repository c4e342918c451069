// The transactional outbox of outgoing webhooks. Every use case runs in the unit of work; this decorator of the
// unit of work sees each audit entry the work appends and, before the transaction commits, writes the events
// those entries are (with their exact bodies) and one delivery per subscribed endpoint, in the same transaction.
// So a committed change is always delivered, also when the process dies right after COMMIT, and a rolled-back one
// never is; and no use case has to remember to publish anything.
import * as E from 'fp-ts/lib/Either.js'
import {
  eventTypeOf, matchesEventFilter, type AuditEntry, type EventType, type JsonValue, type ProjectId, type WebhookEndpoint,
} from '../../domain/index.js'
import type { Deps } from '../deps.js'
import type { OutboxEvent, Stores, StoredDelivery, UnitOfWork } from '../ports/index.js'
import { assembleTaskViews, memberViews, projectView } from '../views.js'
import { apiTokenJson, integrationJson, iso, memberJson, projectJson, taskJson } from '../wire/resources.js'

/** `evt_` + 32 hex characters. */
export const newEventId = (ids: Deps['ids']): string => `evt_${ids.uuid().replace(/-/g, '')}`

/** The Standard Webhooks body of an event: the same bytes on every attempt. */
export const eventBody = (event: {
  readonly id: string
  readonly type: EventType
  readonly createdAt: Date
  readonly projectId: ProjectId
  readonly sequence: number | null
  readonly data: Readonly<Record<string, unknown>>
}): string =>
  JSON.stringify({ id: event.id, type: event.type, created_at: iso(event.createdAt), project_id: event.projectId, sequence: event.sequence, data: event.data })

const DELETIONS = new Set(['deleted', 'member_removed', 'integration_deleted'])

/**
 * The resource right after the change, in its REST shape; null after a deletion (or when it is gone by the end of
 * the transaction). Read once per resource per transaction: several entries about one task share its final state.
 */
const objectOf = async (stores: Stores, entry: AuditEntry): Promise<JsonValue> => {
  if (DELETIONS.has(entry.action)) return null
  const id = entry.entityId
  switch (entry.entityType) {
    case 'task': {
      const detail = await stores.tasks.detail(Number(id), 0, 0)
      if (!detail) return null
      const [view] = assembleTaskViews(detail.project, [detail.task], new Map(detail.assignees.map((w) => [w.id, w])), detail.links)
      return view ? (taskJson(view) as JsonValue) : null
    }
    case 'project': {
      const project = await stores.projects.byId(Number(id))
      return project ? (projectJson(await projectView(stores, project)) as JsonValue) : null
    }
    case 'member': {
      const membership = entry.projectId === null ? undefined : await stores.members.find(entry.projectId, Number(id))
      const [view] = membership ? await memberViews(stores, [membership]) : []
      return view ? (memberJson(view) as JsonValue) : null
    }
    case 'api_token': {
      const token = await stores.tokens.byId(id)
      return token ? (apiTokenJson(token) as JsonValue) : null
    }
    case 'integration': {
      const integration = await stores.integrations.byId(id)
      // No request, so no host: the webhook URL is given relative to the server's base.
      return integration ? (integrationJson(integration, '') as JsonValue) : null
    }
    default:
      return null
  }
}

/**
 * Writes the events of `entries` that some active endpoint subscribes to; true when it wrote any. One read when
 * nothing subscribes (the project's active endpoints); otherwise the resources' reads and one write.
 */
export const writeEvents = async (stores: Stores, deps: Pick<Deps, 'ids'>, entries: readonly AuditEntry[]): Promise<boolean> => {
  const candidates = entries.flatMap((entry) => {
    const type = eventTypeOf(entry)
    return type === undefined || entry.projectId === null ? [] : [{ entry, type, projectId: entry.projectId }]
  })
  if (candidates.length === 0) return false
  const endpoints = await stores.webhooks.activeEndpoints([...new Set(candidates.map((c) => c.projectId))])
  const subscribed = candidates.flatMap((c) => {
    const targets = endpoints.filter((e: WebhookEndpoint) => e.projectId === c.projectId && matchesEventFilter(e.events, c.type))
    return targets.length === 0 ? [] : [{ ...c, targets }]
  })
  if (subscribed.length === 0) return false
  const objects = new Map<string, Promise<JsonValue>>()
  const events: OutboxEvent[] = []
  const deliveries: StoredDelivery[] = []
  for (const { entry, type, projectId, targets } of subscribed) {
    const key = `${entry.entityType}:${entry.entityId}`
    const object = DELETIONS.has(entry.action) ? null : await (objects.get(key) ?? objects.set(key, objectOf(stores, entry)).get(key))
    const id = newEventId(deps.ids)
    events.push({
      id, projectId, type, sequence: entry.id, createdAt: entry.createdAt,
      body: eventBody({
        id, type, createdAt: entry.createdAt, projectId, sequence: entry.id,
        data: {
          entity_type: entry.entityType, entity_id: entry.entityId, action: entry.action, actor_id: entry.actor.id,
          actor_type: entry.actor.type, details: entry.details, object,
        },
      }),
    })
    for (const endpoint of targets) {
      deliveries.push({
        id: deps.ids.uuid(), endpointId: endpoint.id, eventId: id, eventType: type, status: 'pending', attempts: 0,
        nextAttemptAt: entry.createdAt, lastStatusCode: null, lastError: null, createdAt: entry.createdAt, deliveredAt: null, onDemand: false,
      })
    }
  }
  await stores.webhooks.enqueue(events, deliveries)
  return true
}

/**
 * The unit of work with the outbox: each transaction's audit entries become events before it commits. The
 * notifier hears of committed events (a local delivery runner wakes at once instead of at its next poll).
 */
export const withEventOutbox = (deps: Pick<Deps, 'uow' | 'ids' | 'eventNotifier'>): UnitOfWork => ({
  run: async (work) => {
    let wrote = false
    const result = await deps.uow.run(async (stores) => {
      wrote = false
      const entries: AuditEntry[] = []
      const audit: Stores['audit'] = {
        ...stores.audit,
        append: async (entry) => {
          const appended = await stores.audit.append(entry)
          entries.push(appended)
          return appended
        },
      }
      const outcome = await work({ ...stores, audit })
      if (E.isRight(outcome) && entries.length > 0) wrote = await writeEvents(stores, deps, entries)
      return outcome
    })
    if (wrote && E.isRight(result)) deps.eventNotifier?.eventsCommitted()
    return result
  },
  ...(deps.uow.read ? { read: deps.uow.read.bind(deps.uow) } : {}),
})
