// The PostgreSQL schema as MikroORM EntitySchema mappings: tables, types, keys, foreign keys with their
// ON DELETE rules, and an index for every list filter and keyset order. The migrations are generated from
// these (a test proves there is no pending diff). The stores read and write rows with SQL of their own and
// map them to domain objects (records.ts), so the domain never meets the ORM.
import { EntitySchema } from '@mikro-orm/core'
import {
  AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, DELIVERY_STATUSES, INTEGRATION_TYPES, PRIORITIES, ROLES, LINK_SOURCES, TASK_STATUSES,
} from '../../../domain/index.js'

type Row = Record<string, unknown>

const timestamp = { type: 'Date', columnType: 'timestamptz' } as const
const optionalTimestamp = { ...timestamp, nullable: true } as const
const text = { type: 'string', columnType: 'text' } as const
const optionalText = { ...text, nullable: true } as const

export const WorkerSchema = new EntitySchema<Row>({
  name: 'Worker',
  tableName: 'workers',
  properties: {
    id: { type: 'number', primary: true, autoincrement: true },
    type: { enum: true, items: ['human', 'agent'], type: 'string', columnType: 'text' },
    handle: { ...text, unique: 'workers_handle_unique' },
    name: text,
    email: optionalText,
    userId: { ...optionalText, fieldName: 'user_id', unique: 'workers_user_id_unique' },
    agentType: { ...optionalText, fieldName: 'agent_type' },
    capabilities: { type: 'string[]', columnType: 'text[]', default: '{}' },
    createdBy: { kind: 'm:1', entity: 'Worker', fieldName: 'created_by_id', nullable: true, deleteRule: 'set null' },
    firstSeenAt: { ...optionalTimestamp, fieldName: 'first_seen_at' },
    createdAt: { ...timestamp, fieldName: 'created_at' },
    updatedAt: { ...timestamp, fieldName: 'updated_at' },
  },
  indexes: [{ name: 'workers_type_id_index', properties: ['type', 'id'] }],
})

export const ProjectSchema = new EntitySchema<Row>({
  name: 'Project',
  tableName: 'projects',
  properties: {
    id: { type: 'number', primary: true, autoincrement: true },
    slug: { ...text, unique: 'projects_slug_unique' },
    key: { ...text, unique: 'projects_key_unique' },
    name: text,
    description: optionalText,
    owner: { kind: 'm:1', entity: 'Worker', fieldName: 'owner_id', deleteRule: 'no action' },
    /** Last task number given out: incremented with RETURNING in the creating transaction (gap-free). */
    taskCounter: { type: 'number', fieldName: 'task_counter', default: 0 },
    createdAt: { ...timestamp, fieldName: 'created_at' },
    updatedAt: { ...timestamp, fieldName: 'updated_at' },
  },
})

export const MembershipSchema = new EntitySchema<Row>({
  name: 'Membership',
  tableName: 'memberships',
  properties: {
    project: { kind: 'm:1', entity: 'Project', fieldName: 'project_id', primary: true, deleteRule: 'cascade' },
    worker: { kind: 'm:1', entity: 'Worker', fieldName: 'worker_id', primary: true, deleteRule: 'cascade' },
    role: { enum: true, items: [...ROLES], type: 'string', columnType: 'text' },
    joinedAt: { ...timestamp, fieldName: 'joined_at' },
  },
  indexes: [{ name: 'memberships_worker_id_index', properties: ['worker'] }],
})

export const TaskSchema = new EntitySchema<Row>({
  name: 'Task',
  tableName: 'tasks',
  properties: {
    id: { type: 'number', primary: true, autoincrement: true },
    project: { kind: 'm:1', entity: 'Project', fieldName: 'project_id', deleteRule: 'cascade' },
    number: { type: 'number' },
    title: text,
    description: optionalText,
    status: { enum: true, items: [...TASK_STATUSES], type: 'string', columnType: 'text' },
    priority: { enum: true, items: [...PRIORITIES], type: 'string', columnType: 'text' },
    tags: { type: 'string[]', columnType: 'text[]', default: '{}' },
    dueDate: { type: 'string', columnType: 'date', fieldName: 'due_date', nullable: true },
    storyPoints: { type: 'double', columnType: 'double precision', fieldName: 'story_points', nullable: true },
    assignee: { kind: 'm:1', entity: 'Worker', fieldName: 'assignee_id', nullable: true, deleteRule: 'set null' },
    parentTask: { kind: 'm:1', entity: 'Task', fieldName: 'parent_task_id', nullable: true, deleteRule: 'set null' },
    progressPercent: { type: 'number', columnType: 'smallint', fieldName: 'progress_percent' },
    rollupProgressPercent: { type: 'number', columnType: 'smallint', fieldName: 'rollup_progress_percent' },
    version: { type: 'number' },
    createdBy: { kind: 'm:1', entity: 'Worker', fieldName: 'created_by_id', nullable: true, deleteRule: 'set null' },
    startedAt: { ...optionalTimestamp, fieldName: 'started_at' },
    completedAt: { ...optionalTimestamp, fieldName: 'completed_at' },
    createdAt: { ...timestamp, fieldName: 'created_at' },
    updatedAt: { ...timestamp, fieldName: 'updated_at' },
  },
  uniques: [{ name: 'tasks_project_id_number_unique', properties: ['project', 'number'] }],
  indexes: [
    { name: 'tasks_project_id_id_index', properties: ['project', 'id'] },
    { name: 'tasks_project_id_status_id_index', properties: ['project', 'status', 'id'] },
    { name: 'tasks_project_id_assignee_id_id_index', properties: ['project', 'assignee', 'id'] },
    { name: 'tasks_project_id_priority_id_index', properties: ['project', 'priority', 'id'] },
    { name: 'tasks_parent_task_id_id_index', properties: ['parentTask', 'id'] },
    { name: 'tasks_assignee_id_index', properties: ['assignee'] },
    { name: 'tasks_created_by_id_index', properties: ['createdBy'] },
    { name: 'tasks_tags_index', expression: 'create index "tasks_tags_index" on "tasks" using gin ("tags")' },
  ],
})

export const ExternalLinkSchema = new EntitySchema<Row>({
  name: 'ExternalLink',
  tableName: 'external_links',
  properties: {
    id: { type: 'number', primary: true, autoincrement: true },
    project: { kind: 'm:1', entity: 'Project', fieldName: 'project_id', deleteRule: 'cascade' },
    task: { kind: 'm:1', entity: 'Task', fieldName: 'task_id', deleteRule: 'cascade' },
    source: { enum: true, items: [...LINK_SOURCES], type: 'string', columnType: 'text' },
    externalId: { ...text, fieldName: 'external_id' },
    externalUrl: { ...optionalText, fieldName: 'external_url' },
    pendingAssigneeEmail: { ...optionalText, fieldName: 'pending_assignee_email' },
    pendingParentExternalId: { ...optionalText, fieldName: 'pending_parent_external_id' },
    sourceUpdatedAt: { ...optionalTimestamp, fieldName: 'source_updated_at' },
    createdAt: { ...timestamp, fieldName: 'created_at' },
    updatedAt: { ...timestamp, fieldName: 'updated_at' },
  },
  uniques: [{ name: 'external_links_project_source_external_id_unique', properties: ['project', 'source', 'externalId'] }],
  indexes: [
    { name: 'external_links_task_id_index', properties: ['task'] },
    { name: 'external_links_pending_parent_index', properties: ['project', 'source', 'pendingParentExternalId'] },
    { name: 'external_links_pending_assignee_index', properties: ['project', 'pendingAssigneeEmail'] },
  ],
})

export const ApiTokenSchema = new EntitySchema<Row>({
  name: 'ApiToken',
  tableName: 'api_tokens',
  properties: {
    id: { type: 'uuid', primary: true },
    project: { kind: 'm:1', entity: 'Project', fieldName: 'project_id', deleteRule: 'cascade' },
    name: text,
    tokenHash: { ...text, fieldName: 'token_hash', unique: 'api_tokens_token_hash_unique' },
    statusMap: { type: 'json', fieldName: 'status_map' },
    createdBy: { kind: 'm:1', entity: 'Worker', fieldName: 'created_by_id', nullable: true, deleteRule: 'set null' },
    createdAt: { ...timestamp, fieldName: 'created_at' },
    lastUsedAt: { ...optionalTimestamp, fieldName: 'last_used_at' },
    revokedAt: { ...optionalTimestamp, fieldName: 'revoked_at' },
  },
  indexes: [{ name: 'api_tokens_project_id_created_at_id_index', properties: ['project', 'createdAt', 'id'] }],
})

/** Vendor connections. The access token and webhook secret are stored sealed (AES-256-GCM), never in clear. */
export const IntegrationSchema = new EntitySchema<Row>({
  name: 'Integration',
  tableName: 'integrations',
  properties: {
    id: { type: 'uuid', primary: true },
    project: { kind: 'm:1', entity: 'Project', fieldName: 'project_id', deleteRule: 'cascade' },
    type: { enum: true, items: [...INTEGRATION_TYPES], type: 'string', columnType: 'text' },
    settings: { type: 'json' },
    statusMap: { type: 'json', fieldName: 'status_map' },
    isActive: { type: 'boolean', fieldName: 'is_active' },
    accessTokenSealed: { ...text, fieldName: 'access_token_sealed' },
    webhookSecretSealed: { ...text, fieldName: 'webhook_secret_sealed' },
    createdBy: { kind: 'm:1', entity: 'Worker', fieldName: 'created_by_id', nullable: true, deleteRule: 'set null' },
    createdAt: { ...timestamp, fieldName: 'created_at' },
    lastSyncedAt: { ...optionalTimestamp, fieldName: 'last_synced_at' },
  },
  indexes: [{ name: 'integrations_project_id_created_at_id_index', properties: ['project', 'createdAt', 'id'] }],
})

/** The answer given to each webhook delivery, so that a redelivery is answered the same and applied once. */
export const WebhookDeliverySchema = new EntitySchema<Row>({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  properties: {
    integration: { kind: 'm:1', entity: 'Integration', fieldName: 'integration_id', primary: true, deleteRule: 'cascade' },
    deliveryId: { ...text, fieldName: 'delivery_id', primary: true },
    status: { type: 'number', columnType: 'int' },
    body: { type: 'json' },
    receivedAt: { ...timestamp, fieldName: 'received_at' },
  },
})

/** Outgoing webhooks: a project's subscriptions. The `whsec_…` signing secret is stored sealed, never in clear. */
export const WebhookEndpointSchema = new EntitySchema<Row>({
  name: 'WebhookEndpoint',
  tableName: 'webhook_endpoints',
  properties: {
    id: { type: 'uuid', primary: true },
    project: { kind: 'm:1', entity: 'Project', fieldName: 'project_id', deleteRule: 'cascade' },
    url: text,
    events: { type: 'string[]', columnType: 'text[]' },
    description: optionalText,
    isActive: { type: 'boolean', fieldName: 'is_active' },
    disabledReason: { ...optionalText, fieldName: 'disabled_reason' },
    secretSealed: { ...text, fieldName: 'secret_sealed' },
    createdBy: { kind: 'm:1', entity: 'Worker', fieldName: 'created_by_id', nullable: true, deleteRule: 'set null' },
    createdAt: { ...timestamp, fieldName: 'created_at' },
    updatedAt: { ...timestamp, fieldName: 'updated_at' },
    failingSince: { ...optionalTimestamp, fieldName: 'failing_since' },
    lastSuccessAt: { ...optionalTimestamp, fieldName: 'last_success_at' },
  },
  indexes: [{ name: 'webhook_endpoints_project_id_created_at_id_index', properties: ['project', 'createdAt', 'id'] }],
})

/** The outbox: each event with the exact body sent on every attempt, written in the transaction of its change. */
export const WebhookEventSchema = new EntitySchema<Row>({
  name: 'WebhookEvent',
  tableName: 'webhook_events',
  properties: {
    id: { ...text, primary: true },
    // No foreign key (as the audit log): every outbox write would lock the project's row for key share, and
    // concurrent writes of one project would queue on that row's MultiXact. Deleting a project deletes its events.
    projectId: { type: 'number', fieldName: 'project_id' },
    type: text,
    sequence: { type: 'bigint', nullable: true },
    body: text,
    createdAt: { ...timestamp, fieldName: 'created_at' },
  },
  // For deleting a project's events with the project.
  indexes: [{ name: 'webhook_events_project_id_index', properties: ['projectId'] }],
})

/**
 * One event for one endpoint. A runner claims it with `claim_token` and the lease `claimed_until`; the partial
 * indexes serve the claim (the due pending deliveries, then each endpoint's due and in-flight ones).
 */
export const WebhookEventDeliverySchema = new EntitySchema<Row>({
  name: 'WebhookEventDelivery',
  tableName: 'webhook_event_deliveries',
  properties: {
    id: { type: 'uuid', primary: true },
    // No foreign key to the endpoint: each delivery's insert would lock the endpoint's row for key share, and every
    // change of a project with a subscribed endpoint would queue on that one row (measured: create task p50 7 ms
    // -> 140 ms at 100/s). Deleting an endpoint deletes its deliveries; a claim joins the endpoint, so a delivery
    // whose endpoint is gone is never attempted.
    endpointId: { type: 'uuid', fieldName: 'endpoint_id' },
    event: { kind: 'm:1', entity: 'WebhookEvent', fieldName: 'event_id', deleteRule: 'cascade' },
    eventType: { ...text, fieldName: 'event_type' },
    status: { enum: true, items: [...DELIVERY_STATUSES], type: 'string', columnType: 'text' },
    attempts: { type: 'number', columnType: 'int' },
    nextAttemptAt: { ...optionalTimestamp, fieldName: 'next_attempt_at' },
    lastStatusCode: { type: 'number', columnType: 'int', fieldName: 'last_status_code', nullable: true },
    lastError: { ...optionalText, fieldName: 'last_error' },
    createdAt: { ...timestamp, fieldName: 'created_at' },
    deliveredAt: { ...optionalTimestamp, fieldName: 'delivered_at' },
    onDemand: { type: 'boolean', fieldName: 'on_demand' },
    claimToken: { type: 'uuid', fieldName: 'claim_token', nullable: true },
    claimedUntil: { ...optionalTimestamp, fieldName: 'claimed_until' },
  },
  indexes: [
    { name: 'webhook_event_deliveries_endpoint_id_created_at_id_index', properties: ['endpointId', 'createdAt', 'id'] },
    { name: 'webhook_event_deliveries_event_id_index', properties: ['event'] },
    {
      name: 'webhook_event_deliveries_due_index',
      expression: `create index "webhook_event_deliveries_due_index" on "webhook_event_deliveries" ("status", "next_attempt_at") where "status" = 'pending'`,
    },
    {
      name: 'webhook_event_deliveries_endpoint_pending_index',
      expression: `create index "webhook_event_deliveries_endpoint_pending_index" on "webhook_event_deliveries" ("endpoint_id", "next_attempt_at") where "status" = 'pending'`,
    },
    {
      // The leases in flight, counted on every claim: a few rows per endpoint, however long its queue.
      name: 'webhook_event_deliveries_in_flight_index',
      expression: `create index "webhook_event_deliveries_in_flight_index" on "webhook_event_deliveries" ("endpoint_id", "claimed_until") where "status" = 'pending' and "claim_token" is not null`,
    },
  ],
})

/** The log of a delivery's attempts, oldest first. */
export const WebhookEventAttemptSchema = new EntitySchema<Row>({
  name: 'WebhookEventAttempt',
  tableName: 'webhook_event_attempts',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    delivery: { kind: 'm:1', entity: 'WebhookEventDelivery', fieldName: 'delivery_id', deleteRule: 'cascade' },
    at: timestamp,
    statusCode: { type: 'number', columnType: 'int', fieldName: 'status_code', nullable: true },
    durationMs: { type: 'number', columnType: 'int', fieldName: 'duration_ms' },
    error: optionalText,
    responseExcerpt: { ...text, fieldName: 'response_excerpt' },
  },
  indexes: [{ name: 'webhook_event_attempts_delivery_id_id_index', properties: ['delivery', 'id'] }],
})

/** Append-only: a trigger (in the migration) refuses UPDATE, DELETE and TRUNCATE. No foreign keys, so that
 * the history of deleted projects, tasks and agents stays. */
export const AuditEntrySchema = new EntitySchema<Row>({
  name: 'AuditEntry',
  tableName: 'audit_log',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    projectId: { type: 'number', fieldName: 'project_id', nullable: true },
    entityType: { enum: true, items: [...AUDIT_ENTITY_TYPES], type: 'string', columnType: 'text', fieldName: 'entity_type' },
    entityId: { ...text, fieldName: 'entity_id' },
    action: { enum: true, items: [...AUDIT_ACTIONS], type: 'string', columnType: 'text' },
    actorType: { enum: true, items: ['human', 'agent', 'api_token'], type: 'string', columnType: 'text', fieldName: 'actor_type' },
    actorId: { ...text, fieldName: 'actor_id' },
    details: { type: 'json' },
    createdAt: { ...timestamp, fieldName: 'created_at' },
  },
  indexes: [
    { name: 'audit_log_project_id_id_index', properties: ['projectId', 'id'] },
    { name: 'audit_log_entity_index', properties: ['entityType', 'entityId', 'id'] },
    { name: 'audit_log_actor_id_id_index', properties: ['actorId', 'id'] },
  ],
})

/**
 * Idempotency-Key: a request's answer under its caller's key, written in the transaction of its change, kept
 * 24 hours (the index serves the cleanup). The answer is sealed when the instance has a credential key.
 */
export const IdempotencyKeySchema = new EntitySchema<Row>({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  properties: {
    scope: { ...text, primary: true },
    key: { ...text, primary: true },
    fingerprint: text,
    response: text,
    sealed: { type: 'boolean' },
    createdAt: { ...timestamp, fieldName: 'created_at' },
  },
  indexes: [{ name: 'idempotency_keys_created_at_index', properties: ['createdAt'] }],
})

/** taskport's entity mappings, for your own MikroORM's `entities`. */
export const ENTITY_SCHEMAS: EntitySchema[] = [
  WorkerSchema, ProjectSchema, MembershipSchema, TaskSchema, ExternalLinkSchema, ApiTokenSchema, IntegrationSchema, WebhookDeliverySchema, AuditEntrySchema,
  WebhookEndpointSchema, WebhookEventSchema, WebhookEventDeliverySchema, WebhookEventAttemptSchema, IdempotencyKeySchema,
]
