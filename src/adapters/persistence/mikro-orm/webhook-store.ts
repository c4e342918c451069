// Outgoing webhooks on PostgreSQL: endpoints, the outbox (events and their deliveries, written in one statement),
// the attempt log, and the claim of due deliveries under a lease.
//
// The claim holds `perEndpoint` across connections and instances in two statements of the caller's transaction:
// 1. lock the due active endpoints that have room, oldest due first (`for update … skip locked`: another claimer
//    takes other endpoints meanwhile instead of waiting);
// 2. in a new statement, hence a snapshot taken after the locks were granted (READ COMMITTED), so that it sees
//    every lease committed by the claim that held an endpoint before: pick each locked endpoint's oldest due
//    deliveries up to perEndpoint minus those in flight (LATERAL), the oldest `limit` of them, and lease them.
// In one statement the second step would read the snapshot taken before a lock it may wait for: a claim
// committed in between would be invisible, and the endpoint could get more than perEndpoint in flight.
import type { ClaimedDelivery, StoredDelivery, WebhookReader, WebhookWriter } from '../../../application/index.js'
import type { WebhookEndpoint } from '../../../domain/index.js'
import {
  DELIVERY_ATTEMPT_COLUMNS, EVENT_DELIVERY_COLUMNS, WEBHOOK_ENDPOINT_COLUMNS, toDeliveryAttempt, toStoredDelivery, toWebhookEndpoint,
} from './records.js'
import { createdAtPage } from './created-at-page.js'
import type { Sql } from './sql.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const prefixed = (alias: string, columns: string): string => columns.split(', ').map((c) => `${alias}.${c}`).join(', ')

/** Due: pending, its time has come, and no unexpired lease on it. */
const DUE = `d.status = 'pending' and d.next_attempt_at <= ?::timestamptz and (d.claimed_until is null or d.claimed_until <= ?::timestamptz)`
/** An endpoint's deliveries in flight: leased and the lease not expired (whoever holds it). */
const IN_FLIGHT = `(select count(*) from webhook_event_deliveries f where f.endpoint_id = e.id and f.status = 'pending' and f.claimed_until > ?::timestamptz)`

/** Step 1: params now, now, now, perEndpoint, limit. */
const LOCK_DUE_ENDPOINTS = `
  select ${prefixed('e', WEBHOOK_ENDPOINT_COLUMNS)}
    from webhook_endpoints e
    join (select d.endpoint_id, min(d.next_attempt_at) as due from webhook_event_deliveries d where ${DUE} group by d.endpoint_id) due
      on due.endpoint_id = e.id
   where e.is_active and ${IN_FLIGHT} < ?
   order by due.due, e.id
   limit ?
   for update of e skip locked`

/** Step 2: params endpoint ids, now, now, perEndpoint, now, limit, claim token, lease, now. */
const CLAIM_DELIVERIES = `
  with picked as (
    select d.id
      from unnest(?::uuid[]) as e (id)
      cross join lateral (
        select d.id, d.next_attempt_at from webhook_event_deliveries d
         where d.endpoint_id = e.id and ${DUE}
         order by d.next_attempt_at, d.id
         limit greatest(0, ? - ${IN_FLIGHT})
      ) d
     order by d.next_attempt_at, d.id
     limit ?
  ), claimed as (
    update webhook_event_deliveries d set claim_token = ?::uuid, claimed_until = ?::timestamptz
      from picked
     where d.id = picked.id and d.status = 'pending' and (d.claimed_until is null or d.claimed_until <= ?::timestamptz)
    returning ${prefixed('d', EVENT_DELIVERY_COLUMNS)}
  )
  select c.*, ev.body from claimed c join webhook_events ev on ev.id = c.event_id order by c.next_attempt_at, c.id`

/** Events and their deliveries in one statement: the outbox write of every change that has subscribers. */
const ENQUEUE = `
  with events as (
    insert into webhook_events (id, project_id, type, sequence, body, created_at)
    select id, project_id, type, sequence, body, created_at
      from json_to_recordset(?::json) as x (id text, project_id int, type text, sequence bigint, body text, created_at timestamptz)
  )
  insert into webhook_event_deliveries (${EVENT_DELIVERY_COLUMNS})
  select ${EVENT_DELIVERY_COLUMNS}
    from json_to_recordset(?::json) as x (id uuid, endpoint_id uuid, event_id text, event_type text, status text, attempts int,
      next_attempt_at timestamptz, last_status_code int, last_error text, created_at timestamptz, delivered_at timestamptz, on_demand boolean)`

const DELIVERY_STATE = `status = ?, attempts = ?, next_attempt_at = ?::timestamptz, last_status_code = ?, last_error = ?, delivered_at = ?::timestamptz,
  on_demand = ?, claim_token = null, claimed_until = null`
const stateOf = (d: StoredDelivery): unknown[] =>
  [d.status, d.attempts, d.nextAttemptAt, d.lastStatusCode, d.lastError, d.deliveredAt, d.onDemand]

/** Health, and the switch to inactive only if it is still active; the locked old row tells whether this call did it. */
const DISABLE = `
  update webhook_endpoints e set last_success_at = ?::timestamptz, failing_since = ?::timestamptz, is_active = false,
         disabled_reason = case when old.is_active then ? else e.disabled_reason end,
         updated_at = case when old.is_active then ?::timestamptz else e.updated_at end
    from (select id, is_active from webhook_endpoints where id = ?::uuid for update) old
   where e.id = old.id
  returning old.is_active as disabled`

export const pgWebhookStore = (sql: Sql): WebhookReader & WebhookWriter => ({
  endpoint: async (id) => {
    if (!UUID.test(id)) return undefined
    const r = await sql.one(`select ${WEBHOOK_ENDPOINT_COLUMNS} from webhook_endpoints where id = ?::uuid`, [id])
    return r && toWebhookEndpoint(r)
  },
  endpoints: async (projectId, page) => {
    if (page.after !== undefined && !UUID.test(page.after.id)) return []
    return (await createdAtPage(sql, 'webhook_endpoints', WEBHOOK_ENDPOINT_COLUMNS, projectId, page)).map(toWebhookEndpoint)
  },
  activeEndpoints: async (projectIds) => {
    if (projectIds.length === 0) return []
    const rows = await sql.rows(
      `select ${WEBHOOK_ENDPOINT_COLUMNS} from webhook_endpoints where project_id = any(?::int[]) and is_active order by created_at, id`, [projectIds])
    return rows.map(toWebhookEndpoint)
  },
  delivery: async (id) => {
    if (!UUID.test(id)) return undefined
    const r = await sql.one(`select ${EVENT_DELIVERY_COLUMNS} from webhook_event_deliveries where id = ?::uuid`, [id])
    return r && toStoredDelivery(r)
  },
  deliveries: async (endpointId, status, page) => {
    if (!UUID.test(endpointId) || (page.after !== undefined && !UUID.test(page.after.id))) return []
    const where = ['endpoint_id = ?::uuid']
    const params: unknown[] = [endpointId]
    if (status !== undefined) {
      where.push('status = ?')
      params.push(status)
    }
    if (page.after !== undefined) {
      where.push('(created_at, id) < (?::timestamptz, ?::uuid)')
      params.push(page.after.createdAt, page.after.id)
    }
    const rows = await sql.rows(
      `select ${EVENT_DELIVERY_COLUMNS} from webhook_event_deliveries where ${where.join(' and ')} order by created_at desc, id desc limit ?`,
      [...params, page.limit])
    return rows.map(toStoredDelivery)
  },
  eventBody: async (eventId) => (await sql.one<{ body: string }>('select body from webhook_events where id = ?', [eventId]))?.body,
  attempts: async (deliveryId) => {
    if (!UUID.test(deliveryId)) return []
    return (await sql.rows(`select ${DELIVERY_ATTEMPT_COLUMNS} from webhook_event_attempts where delivery_id = ?::uuid order by id`, [deliveryId]))
      .map(toDeliveryAttempt)
  },

  insertEndpoint: async (e) => {
    await sql.run(
      `insert into webhook_endpoints (${WEBHOOK_ENDPOINT_COLUMNS})
       values (?::uuid, ?, ?, ?::text[], ?, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?::timestamptz)`,
      [e.id, e.projectId, e.url, [...e.events], e.description, e.isActive, e.disabledReason, e.secretSealed, e.createdById, e.createdAt,
        e.updatedAt, e.failingSince, e.lastSuccessAt],
    )
  },
  updateEndpoint: async (e) => {
    if (!UUID.test(e.id)) return
    await sql.run(
      `update webhook_endpoints set url = ?, events = ?::text[], description = ?, is_active = ?, disabled_reason = ?, secret_sealed = ?,
              updated_at = ?::timestamptz, failing_since = ?::timestamptz, last_success_at = ?::timestamptz
        where id = ?::uuid`,
      [e.url, [...e.events], e.description, e.isActive, e.disabledReason, e.secretSealed, e.updatedAt, e.failingSince, e.lastSuccessAt, e.id],
    )
  },
  updateEndpointHealth: async (id, health) => {
    if (!UUID.test(id)) return false
    if (health.disabledReason === undefined) {
      await sql.run('update webhook_endpoints set last_success_at = ?::timestamptz, failing_since = ?::timestamptz where id = ?::uuid',
        [health.lastSuccessAt, health.failingSince, id])
      return false
    }
    const r = await sql.one<{ disabled: boolean }>(DISABLE, [health.lastSuccessAt, health.failingSince, health.disabledReason, health.now, id])
    return r?.disabled === true
  },
  deleteEndpoint: async (id) => {
    // Its deliveries and their attempts go by ON DELETE CASCADE.
    if (UUID.test(id)) await sql.run('delete from webhook_endpoints where id = ?::uuid', [id])
  },
  enqueue: async (events, deliveries) => {
    if (events.length === 0 && deliveries.length === 0) return
    await sql.run(ENQUEUE, [
      JSON.stringify(events.map((e) => ({ id: e.id, project_id: e.projectId, type: e.type, sequence: e.sequence, body: e.body, created_at: e.createdAt }))),
      JSON.stringify(deliveries.map((d) => ({
        id: d.id, endpoint_id: d.endpointId, event_id: d.eventId, event_type: d.eventType, status: d.status, attempts: d.attempts,
        next_attempt_at: d.nextAttemptAt, last_status_code: d.lastStatusCode, last_error: d.lastError, created_at: d.createdAt,
        delivered_at: d.deliveredAt, on_demand: d.onDemand,
      }))),
    ])
  },
  claimDue: async ({ now, leaseUntil, claimToken, limit, perEndpoint }) => {
    if (limit <= 0 || perEndpoint <= 0) return []
    const endpoints = new Map<string, WebhookEndpoint>()
    for (const r of await sql.rows(LOCK_DUE_ENDPOINTS, [now, now, now, perEndpoint, limit])) {
      const endpoint = toWebhookEndpoint(r)
      endpoints.set(endpoint.id, endpoint)
    }
    if (endpoints.size === 0) return []
    const rows = await sql.rows(CLAIM_DELIVERIES, [[...endpoints.keys()], now, now, perEndpoint, now, limit, claimToken, leaseUntil, now])
    return rows.map((r): ClaimedDelivery => {
      const delivery = toStoredDelivery(r)
      return { delivery, endpoint: endpoints.get(delivery.endpointId) as WebhookEndpoint, body: String(r.body), claimToken }
    })
  },
  updateDelivery: async (d, claimToken) => {
    if (claimToken === null) {
      if (UUID.test(d.id)) await sql.run(`update webhook_event_deliveries set ${DELIVERY_STATE} where id = ?::uuid`, [...stateOf(d), d.id])
      return true
    }
    if (!UUID.test(d.id) || !UUID.test(claimToken)) return false
    const updated = await sql.rows(`update webhook_event_deliveries set ${DELIVERY_STATE} where id = ?::uuid and claim_token = ?::uuid returning id`,
      [...stateOf(d), d.id, claimToken])
    return updated.length > 0
  },
  addAttempt: async (deliveryId, a) => {
    await sql.run(
      `insert into webhook_event_attempts (delivery_id, ${DELIVERY_ATTEMPT_COLUMNS}) values (?::uuid, ?::timestamptz, ?, ?, ?, ?)`,
      [deliveryId, a.at, a.statusCode, a.durationMs, a.error, a.responseExcerpt],
    )
  },
})
