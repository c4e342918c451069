// Outgoing webhooks in the database: endpoints, the outbox of events with their exact bodies, one delivery per
// event and endpoint, and the log of attempts. Deliveries are claimed with a lease so that each attempt is made
// by exactly one server instance.
import type {
  DeliveryAttempt, DeliveryStatus, EventDelivery, EventType, ProjectId, WebhookEndpoint, WebhookEndpointId,
} from '../../domain/index.js'
import type { KeysetQuery } from './pagination.port.js'

export interface WebhookEndpointKey {
  readonly createdAt: Date
  readonly id: WebhookEndpointId
}

/** Deliveries are listed newest first: (created_at, id) descending. */
export interface DeliveryKey {
  readonly createdAt: Date
  readonly id: string
}

/** An event of the outbox, written in the transaction of the change it reports. */
export interface OutboxEvent {
  /** `evt_` + 32 hex characters: the `webhook-id` of every attempt. */
  readonly id: string
  readonly projectId: ProjectId
  readonly type: EventType
  /** The audit entry's id; null for a ping. */
  readonly sequence: number | null
  /** The exact JSON text sent on every attempt. */
  readonly body: string
  readonly createdAt: Date
}

/** A delivery as stored: the domain view plus what only the runner needs. */
export interface StoredDelivery extends EventDelivery {
  /** Asked for by a redelivery of a finished delivery: one attempt, no retries after it. */
  readonly onDemand: boolean
}

/** A delivery claimed for one attempt, with what the attempt needs. */
export interface ClaimedDelivery {
  readonly delivery: StoredDelivery
  readonly endpoint: WebhookEndpoint
  readonly body: string
  /** Identifies this claim: an attempt is recorded only by the claim that made it. */
  readonly claimToken: string
}

export interface ClaimRequest {
  readonly now: Date
  /** The lease: another instance may take the delivery over after this (its process died mid-attempt). */
  readonly leaseUntil: Date
  readonly claimToken: string
  /** At most this many deliveries in all. */
  readonly limit: number
  /** At most this many attempts in flight per endpoint, across all instances (claimed and not recorded yet). */
  readonly perEndpoint: number
}

export interface WebhookReader {
  endpoint(id: WebhookEndpointId): Promise<WebhookEndpoint | undefined>
  /** A project's endpoints ordered by (created_at, id). */
  endpoints(projectId: ProjectId, page: KeysetQuery<WebhookEndpointKey>): Promise<readonly WebhookEndpoint[]>
  /** The active endpoints of these projects (the outbox's one read when a change may be an event). */
  activeEndpoints(projectIds: readonly ProjectId[]): Promise<readonly WebhookEndpoint[]>
  delivery(id: string): Promise<StoredDelivery | undefined>
  /** An endpoint's deliveries, newest first, optionally of one status. */
  deliveries(endpointId: WebhookEndpointId, status: DeliveryStatus | undefined, page: KeysetQuery<DeliveryKey>): Promise<readonly StoredDelivery[]>
  /** The body of an event, as sent. */
  eventBody(eventId: string): Promise<string | undefined>
  /** A delivery's attempts, oldest first. */
  attempts(deliveryId: string): Promise<readonly DeliveryAttempt[]>
}

export interface WebhookWriter {
  insertEndpoint(endpoint: WebhookEndpoint): Promise<void>
  updateEndpoint(endpoint: WebhookEndpoint): Promise<void>
  /** Deletes the endpoint with its deliveries and their attempts (pending ones are dropped). */
  deleteEndpoint(id: WebhookEndpointId): Promise<void>
  /** Writes events and their deliveries (`pending`, due at `nextAttemptAt`). */
  enqueue(events: readonly OutboxEvent[], deliveries: readonly StoredDelivery[]): Promise<void>
  /** Claims due deliveries (pending, due, not leased, endpoint active), oldest due first; see ClaimRequest. */
  claimDue(request: ClaimRequest): Promise<readonly ClaimedDelivery[]>
  /**
   * Stores a delivery's new state and releases its claim, if `claimToken` still holds it (or is null: not a
   * runner's write); false when another claim has taken the delivery over.
   */
  updateDelivery(delivery: StoredDelivery, claimToken: string | null): Promise<boolean>
  addAttempt(deliveryId: string, attempt: DeliveryAttempt): Promise<void>
  /**
   * A batch of attempts at once (the delivery runner's write): each delivery's new state, as updateDelivery does,
   * where its claim token still holds it, and every attempt in the log (unless its delivery is gone). Returns the
   * ids of the deliveries whose state was written.
   */
  recordAttempts(records: readonly AttemptRecord[]): Promise<readonly string[]>
  /**
   * Writes only the delivery health of an endpoint, never what its admins set (so that it cannot undo a
   * concurrent PATCH): `last_success_at` and `failing_since` as given; with `disabledReason`, also
   * `is_active = false`, `disabled_reason` and `updated_at = now`, but only if the endpoint is still active.
   * Returns true when this call disabled it (so that the disabling is audited once); false otherwise, also when
   * the endpoint is gone.
   */
  updateEndpointHealth(id: WebhookEndpointId, health: EndpointHealth): Promise<boolean>
}

export interface AttemptRecord {
  readonly delivery: StoredDelivery
  readonly claimToken: string
  readonly attempt: DeliveryAttempt
}

export interface EndpointHealth {
  readonly lastSuccessAt: Date | null
  readonly failingSince: Date | null
  readonly disabledReason?: string
  readonly now: Date
}
