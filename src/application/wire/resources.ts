// Read models -> the contract's JSON (snake_case, ISO timestamps): the wire shapes of the resources, shared by
// every driving adapter (REST, MCP) and by the events of outgoing webhooks, whose `object` is the REST shape.
import type { ApiToken, AuditEntry, DeliveryAttempt, EventDelivery, Integration, WebhookEndpoint, Worker } from '../../domain/index.js'
import type { CreatedIntegration } from '../integrations/create-integration.js'
import type { Page } from '../pagination.js'
import type { IssuedApiToken } from '../tokens/create-api-token.js'
import type { CreatedWebhook } from '../webhooks/create-webhook.js'
import type { DeliveryDetail } from '../webhooks/list-deliveries.js'
import type { MemberView, ProjectView, TaskDetail, TaskView } from '../views.js'

export const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString())

export const projectJson = (v: ProjectView) => ({
  id: v.project.id, slug: v.project.slug, key: v.project.key, name: v.project.name, description: v.project.description,
  owner_id: v.ownerUserId, member_count: v.memberCount, task_count: v.taskCount,
  created_at: iso(v.project.createdAt), updated_at: iso(v.project.updatedAt),
})

export const memberJson = (m: MemberView) => ({
  worker_id: m.worker.id, type: m.worker.type, handle: m.worker.handle, name: m.worker.name, email: m.worker.email,
  user_id: m.worker.userId, agent_type: m.worker.agentType, role: m.role, joined_at: iso(m.joinedAt),
})

export const agentJson = (a: Worker) => ({
  id: a.id, handle: a.handle, name: a.name, agent_type: a.agentType, capabilities: [...a.capabilities],
  created_by_id: a.createdById, created_at: iso(a.createdAt), updated_at: iso(a.updatedAt),
})

export const taskJson = (v: TaskView) => {
  const t = v.task
  return {
    id: t.id, project_id: t.projectId, number: t.number, short_id: v.shortId, title: t.title, description: t.description,
    status: t.status, priority: t.priority, tags: [...t.tags], due_date: t.dueDate, story_points: t.storyPoints,
    assignee_id: t.assigneeId, assignee_handle: v.assigneeHandle, parent_task_id: t.parentTaskId,
    progress_percent: t.progressPercent, rollup_progress_percent: t.rollupProgressPercent, version: t.version,
    created_by_id: t.createdById, started_at: iso(t.startedAt), completed_at: iso(t.completedAt),
    created_at: iso(t.createdAt), updated_at: iso(t.updatedAt),
    external_links: v.externalLinks.map((l) => ({ source: l.source, external_id: l.externalId, external_url: l.externalUrl })),
  }
}

export const auditJson = (e: AuditEntry) => ({
  id: e.id, project_id: e.projectId, entity_type: e.entityType, entity_id: e.entityId, action: e.action,
  actor_id: e.actor.id, actor_type: e.actor.type, details: e.details, created_at: iso(e.createdAt),
})

export const taskDetailJson = (d: TaskDetail) => ({
  ...taskJson(d),
  subtasks: d.subtasks.map(taskJson),
  recent_audit: d.recentAudit.map(auditJson),
})

/** Never the token's hash; the raw token only in the creation response. */
export const apiTokenJson = (t: ApiToken) => ({
  id: t.id, name: t.name, status_map: { ...t.statusMap }, created_at: iso(t.createdAt), last_used_at: iso(t.lastUsedAt),
  revoked_at: iso(t.revokedAt),
})

export const issuedTokenJson = (issued: IssuedApiToken) => ({
  id: issued.token.id, name: issued.token.name, token: issued.raw, status_map: { ...issued.token.statusMap },
  created_at: iso(issued.token.createdAt),
})

export const pageJson = <T, J>(page: Page<T>, encode: (item: T) => J) => ({ items: page.items.map(encode), next_cursor: page.nextCursor })

/** Never the access token or the webhook secret (sealed or not); the secret only in the creation response. */
export const integrationJson = (i: Integration, webhookBase: string) => ({
  id: i.id, project_id: i.projectId, type: i.type, settings: i.settings, status_map: { ...i.statusMap }, is_active: i.isActive,
  webhook_url: `${webhookBase}/api/integrations/${i.id}/webhook`, created_at: iso(i.createdAt), last_synced_at: iso(i.lastSyncedAt),
})

export const createdIntegrationJson = (created: CreatedIntegration, webhookBase: string) => ({
  ...integrationJson(created.integration, webhookBase), webhook_secret: created.webhookSecret,
})

/** Never the secret (sealed or not); the secret only in the creation response. */
export const webhookJson = (e: WebhookEndpoint) => ({
  id: e.id, project_id: e.projectId, url: e.url, events: [...e.events], description: e.description, is_active: e.isActive,
  disabled_reason: e.disabledReason, created_at: iso(e.createdAt), updated_at: iso(e.updatedAt),
})

export const createdWebhookJson = (created: CreatedWebhook) => ({ ...webhookJson(created.endpoint), secret: created.secret })

export const deliveryJson = (d: EventDelivery) => ({
  id: d.id, endpoint_id: d.endpointId, event_id: d.eventId, event_type: d.eventType, status: d.status, attempts: d.attempts,
  next_attempt_at: iso(d.nextAttemptAt), last_status_code: d.lastStatusCode, last_error: d.lastError, created_at: iso(d.createdAt),
  delivered_at: iso(d.deliveredAt),
})

export const attemptJson = (a: DeliveryAttempt) => ({
  at: iso(a.at), status_code: a.statusCode, duration_ms: a.durationMs, error: a.error, response_excerpt: a.responseExcerpt,
})

export const deliveryDetailJson = (d: DeliveryDetail) => ({
  ...deliveryJson(d.delivery), request_body: d.requestBody, attempt_log: d.attempts.map(attemptJson),
})
