// Rows -> domain objects. Every column is selected explicitly (see the *_COLUMNS lists) so that the mapping is
// checked in one place; values are re-shaped into the domain's types (dates as YYYY-MM-DD strings, bigint ids
// as numbers).
import type { StoredDelivery } from '../../../application/index.js'
import type {
  ApiToken, AuditEntry, DeliveryAttempt, ExternalLink, Integration, Membership, Project, StatusMap, Task, WebhookEndpoint, Worker,
} from '../../../domain/index.js'

type Row = Record<string, unknown>

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)))
const optionalDate = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v))
const optionalText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
const optionalNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

export const PROJECT_COLUMNS = 'id, slug, key, name, description, owner_id, created_at, updated_at'
export const toProject = (r: Row): Project => ({
  id: Number(r.id), slug: String(r.slug), key: String(r.key), name: String(r.name), description: optionalText(r.description),
  ownerId: Number(r.owner_id), createdAt: date(r.created_at), updatedAt: date(r.updated_at),
})

export const WORKER_COLUMNS = 'id, type, handle, name, email, user_id, agent_type, capabilities, created_by_id, first_seen_at, created_at, updated_at'
export const toWorker = (r: Row): Worker => ({
  id: Number(r.id), type: r.type === 'agent' ? 'agent' : 'human', handle: String(r.handle), name: String(r.name),
  email: optionalText(r.email), userId: optionalText(r.user_id), agentType: optionalText(r.agent_type),
  capabilities: (r.capabilities as string[] | null) ?? [], createdById: optionalNumber(r.created_by_id),
  firstSeenAt: optionalDate(r.first_seen_at), createdAt: date(r.created_at), updatedAt: date(r.updated_at),
})

export const MEMBERSHIP_COLUMNS = 'project_id, worker_id, role, joined_at'
export const toMembership = (r: Row): Membership => ({
  projectId: Number(r.project_id), workerId: Number(r.worker_id), role: r.role as Membership['role'], joinedAt: date(r.joined_at),
})

export const TASK_COLUMNS =
  'id, project_id, number, title, description, status, priority, tags, due_date::text as due_date, story_points, assignee_id, ' +
  'parent_task_id, progress_percent, rollup_progress_percent, version, created_by_id, started_at, completed_at, created_at, updated_at'
export const toTask = (r: Row): Task => ({
  id: Number(r.id), projectId: Number(r.project_id), number: Number(r.number), title: String(r.title),
  description: optionalText(r.description), status: r.status as Task['status'], priority: r.priority as Task['priority'],
  tags: (r.tags as string[] | null) ?? [], dueDate: optionalText(r.due_date), storyPoints: optionalNumber(r.story_points),
  assigneeId: optionalNumber(r.assignee_id), parentTaskId: optionalNumber(r.parent_task_id),
  progressPercent: Number(r.progress_percent), rollupProgressPercent: Number(r.rollup_progress_percent), version: Number(r.version),
  createdById: optionalNumber(r.created_by_id), startedAt: optionalDate(r.started_at), completedAt: optionalDate(r.completed_at),
  createdAt: date(r.created_at), updatedAt: date(r.updated_at),
})

export const LINK_COLUMNS =
  'id, project_id, task_id, source, external_id, external_url, pending_assignee_email, pending_parent_external_id, source_updated_at, created_at, updated_at'
export const toLink = (r: Row): ExternalLink => ({
  id: Number(r.id), projectId: Number(r.project_id), taskId: Number(r.task_id), source: r.source as ExternalLink['source'],
  externalId: String(r.external_id), externalUrl: optionalText(r.external_url), pendingAssigneeEmail: optionalText(r.pending_assignee_email),
  pendingParentExternalId: optionalText(r.pending_parent_external_id), sourceUpdatedAt: optionalDate(r.source_updated_at),
  createdAt: date(r.created_at), updatedAt: date(r.updated_at),
})

export const TOKEN_COLUMNS = 'id, project_id, name, token_hash, status_map, created_by_id, created_at, last_used_at, revoked_at'
export const toToken = (r: Row): ApiToken => ({
  id: String(r.id), projectId: Number(r.project_id), name: String(r.name), tokenHash: String(r.token_hash),
  statusMap: (r.status_map as StatusMap | null) ?? {}, createdById: optionalNumber(r.created_by_id), createdAt: date(r.created_at),
  lastUsedAt: optionalDate(r.last_used_at), revokedAt: optionalDate(r.revoked_at),
})

export const INTEGRATION_COLUMNS = 'id, project_id, type, settings, status_map, is_active, access_token_sealed, webhook_secret_sealed, created_by_id, created_at, last_synced_at'
export const toIntegration = (r: Row): Integration => ({
  id: String(r.id), projectId: Number(r.project_id), type: r.type as Integration['type'], settings: (r.settings as Integration['settings'] | null) ?? {},
  statusMap: (r.status_map as StatusMap | null) ?? {}, isActive: Boolean(r.is_active), accessTokenSealed: String(r.access_token_sealed),
  webhookSecretSealed: String(r.webhook_secret_sealed), createdById: optionalNumber(r.created_by_id), createdAt: date(r.created_at),
  lastSyncedAt: optionalDate(r.last_synced_at),
})

export const WEBHOOK_ENDPOINT_COLUMNS =
  'id, project_id, url, events, description, is_active, disabled_reason, secret_sealed, created_by_id, created_at, updated_at, failing_since, last_success_at'
export const toWebhookEndpoint = (r: Row): WebhookEndpoint => ({
  id: String(r.id), projectId: Number(r.project_id), url: String(r.url), events: (r.events as string[] | null) ?? [],
  description: optionalText(r.description), isActive: Boolean(r.is_active), disabledReason: optionalText(r.disabled_reason),
  secretSealed: String(r.secret_sealed), createdById: optionalNumber(r.created_by_id), createdAt: date(r.created_at),
  updatedAt: date(r.updated_at), failingSince: optionalDate(r.failing_since), lastSuccessAt: optionalDate(r.last_success_at),
})

/** The claim columns (claim_token, claimed_until) are the store's own business: not part of the mapped delivery. */
export const EVENT_DELIVERY_COLUMNS =
  'id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at, on_demand'
export const toStoredDelivery = (r: Row): StoredDelivery => ({
  id: String(r.id), endpointId: String(r.endpoint_id), eventId: String(r.event_id), eventType: r.event_type as StoredDelivery['eventType'],
  status: r.status as StoredDelivery['status'], attempts: Number(r.attempts), nextAttemptAt: optionalDate(r.next_attempt_at),
  lastStatusCode: optionalNumber(r.last_status_code), lastError: optionalText(r.last_error), createdAt: date(r.created_at),
  deliveredAt: optionalDate(r.delivered_at), onDemand: Boolean(r.on_demand),
})

export const DELIVERY_ATTEMPT_COLUMNS = 'at, status_code, duration_ms, error, response_excerpt'
export const toDeliveryAttempt = (r: Row): DeliveryAttempt => ({
  at: date(r.at), statusCode: optionalNumber(r.status_code), durationMs: Number(r.duration_ms), error: optionalText(r.error),
  responseExcerpt: String(r.response_excerpt),
})

export const AUDIT_COLUMNS = 'id, project_id, entity_type, entity_id, action, actor_type, actor_id, details, created_at'
export const toAuditEntry = (r: Row): AuditEntry => ({
  id: Number(r.id), projectId: optionalNumber(r.project_id), entityType: r.entity_type as AuditEntry['entityType'],
  entityId: String(r.entity_id), action: r.action as AuditEntry['action'],
  actor: r.actor_type === 'api_token'
    ? { type: 'api_token', id: String(r.actor_id) }
    : { type: r.actor_type === 'agent' ? 'agent' : 'human', id: Number(r.actor_id) },
  details: (r.details as AuditEntry['details'] | null) ?? {}, createdAt: date(r.created_at),
})
