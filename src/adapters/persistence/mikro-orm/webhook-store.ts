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
const IN_FLIGHT = `(select count(*) from webhook_event_deliveries f
  where f.endpoint_id = e.id and f.status = 'pending' and f.claim_token is not null and f.claimed_until > ?::timestamptz)`

/** Step 1: params now, now, now, perEndpoint, limit. */
const LOCK_DUE_ENDPOINTS = `
  select ${prefixed('e', WEBHOOK_ENDPOINT_COLUMNS)}
    from webhook_endpoints e
    cross join lateral (
      select d.next_attempt_at from webhook_event_deliveries d
       where d.endpoint_id = e.id and ${DUE}
       order by d.next_attempt_at limit 1) due
   where e.is_active and ${IN_FLIGHT} < ?
   order by due.next_attempt_at, e.id
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

/**
 * Many attempts in one statement: each delivery's new state where its claim still holds (the ids returned), and
 * every attempt in the log (also those of a claim taken over; not those of a delivery deleted meanwhile).
 */
const RECORD = `
  with input as (
    select * from json_to_recordset(?::json) as x (id uuid, token uuid, status text, attempts int, next_attempt_at timestamptz,
      last_status_code int, last_error text, delivered_at timestamptz, on_demand boolean,
      at timestamptz, status_code int, duration_ms int, error text, response_excerpt text)
  ), updated as (
    update webhook_event_deliveries d
       set status = i.status, attempts = i.attempts, next_attempt_at = i.next_attempt_at, last_status_code = i.last_status_code,
           last_error = i.last_error, delivered_at = i.delivered_at, on_demand = i.on_demand, claim_token = null, claimed_until = null
      from input i
     where d.id = i.id and d.claim_token = i.token
    returning d.id
  ), logged as (
    insert into webhook_event_attempts (delivery_id, ${DELIVERY_ATTEMPT_COLUMNS})
    select i.id, i.at, i.status_code, i.duration_ms, i.error, i.response_excerpt
      from input i join webhook_event_deliveries d on d.id = i.id
  )
  select id from updated`

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
    // Its deliveries by hand (they have no foreign key to it: see schema.ts); their attempts by ON DELETE CASCADE.
    if (UUID.test(id)) await sql.run('with gone as (delete from webhook_endpoints where id = ?::uuid) delete from webhook_event_deliveries where endpoint_id = ?::uuid', [id, id])
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
  recordAttempts: async (records) => {
    const valid = records.filter((r) => UUID.test(r.delivery.id) && UUID.test(r.claimToken))
    if (valid.length === 0) return []
    const rows = await sql.rows<{ id: string }>(RECORD, [JSON.stringify(valid.map(({ delivery: d, claimToken, attempt: a }) => ({
      id: d.id, token: claimToken, status: d.status, attempts: d.attempts, next_attempt_at: d.nextAttemptAt, last_status_code: d.lastStatusCode,
      last_error: d.lastError, delivered_at: d.deliveredAt, on_demand: d.onDemand,
      at: a.at, status_code: a.statusCode, duration_ms: a.durationMs, error: a.error, response_excerpt: a.responseExcerpt,
    })))])
    return rows.map((r) => String(r.id))
  },
  addAttempt: async (deliveryId, a) => {
    await sql.run(
      `insert into webhook_event_attempts (delivery_id, ${DELIVERY_ATTEMPT_COLUMNS}) values (?::uuid, ?::timestamptz, ?, ?, ?, ?)`,
      [deliveryId, a.at, a.statusCode, a.durationMs, a.error, a.responseExcerpt],
    )
  },
})
