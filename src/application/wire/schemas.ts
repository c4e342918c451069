// The JSON Schema of the resources and answers of the driving adapters: the OpenAPI components of REST and the
// output schemas of the MCP tools come from here.
import { EVENT_TYPES } from '../../domain/index.js'
import type { JsonSchema } from './json-schema.js'

export const str = { type: 'string' }
export const nstr = { type: ['string', 'null'] }
export const int = { type: 'integer' }
export const nint = { type: ['integer', 'null'] }
export const time = { type: 'string', format: 'date-time' }
export const ntime = { type: ['string', 'null'], format: 'date-time' }
export const obj = (properties: Record<string, unknown>): JsonSchema => ({ type: 'object', properties, required: Object.keys(properties) })
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

export const SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    properties: {
      error: { type: 'string', enum: ['validation_error', 'domain_rule_violation', 'invalid_transition', 'unauthorized', 'forbidden', 'not_found', 'method_not_allowed', 'conflict', 'precondition_failed', 'payload_too_large', 'unsupported_media_type', 'idempotency_key_reused', 'rate_limited', 'service_unavailable', 'internal_error'] },
      detail: str,
      status_code: int,
      errors: { type: 'array', items: obj({ path: str, message: str }) },
      allowed: { type: 'array', items: str },
    },
    required: ['error', 'detail', 'status_code'],
  },
  Project: obj({ id: int, slug: str, key: str, name: str, description: nstr, owner_id: nstr, member_count: int, task_count: int, created_at: time, updated_at: time }),
  Member: obj({ worker_id: int, type: { type: 'string', enum: ['human', 'agent'] }, handle: str, name: str, email: nstr, user_id: nstr, agent_type: nstr, role: { type: 'string', enum: ['viewer', 'member', 'admin', 'owner'] }, joined_at: time }),
  Agent: obj({ id: int, handle: str, name: str, agent_type: nstr, capabilities: { type: 'array', items: str }, created_by_id: nint, created_at: time, updated_at: time }),
  ExternalLink: obj({ source: str, external_id: str, external_url: nstr }),
  Task: obj({
    id: int, project_id: int, number: int, short_id: str, title: str, description: nstr, status: str, priority: str,
    tags: { type: 'array', items: str }, due_date: { type: ['string', 'null'], format: 'date' }, story_points: { type: ['number', 'null'] },
    assignee_id: nint, assignee_handle: nstr, parent_task_id: nint, progress_percent: int, rollup_progress_percent: int, version: int,
    created_by_id: nint, started_at: ntime, completed_at: ntime, created_at: time, updated_at: time,
    external_links: { type: 'array', items: ref('ExternalLink') },
  }),
  AuditEntry: obj({
    id: int, project_id: nint, entity_type: str, entity_id: str, action: str, actor_id: { type: ['integer', 'string'] },
    actor_type: { type: 'string', enum: ['human', 'agent', 'api_token'] }, details: { type: 'object' }, created_at: time,
  }),
  ApiToken: obj({ id: { type: 'string', format: 'uuid' }, name: str, status_map: { type: 'object', additionalProperties: str }, created_at: time, last_used_at: ntime, revoked_at: ntime }),
  IssuedApiToken: obj({ id: { type: 'string', format: 'uuid' }, name: str, token: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'Shown once: only its SHA-256 is stored' }, status_map: { type: 'object', additionalProperties: str }, created_at: time }),
  Integration: obj({
    id: { type: 'string', format: 'uuid' }, project_id: int, type: { type: 'string', enum: ['github', 'jira', 'linear', 'asana'] },
    settings: { type: 'object' }, status_map: { type: 'object', additionalProperties: str }, is_active: { type: 'boolean' },
    webhook_url: { type: 'string', format: 'uri' }, created_at: time, last_synced_at: ntime,
  }),
  ImportSummary: {
    type: 'object',
    properties: {
      created: int, skipped: int, failed: int,
      errors: { type: 'array', items: { type: 'object', properties: { external_id: str, error: str }, required: ['error'] } },
      warnings: { type: 'array', maxItems: 1000, items: obj({ external_id: str, warning: str }), description: 'What could not be kept as the source has it, per item (the first 1,000)' },
      warnings_truncated: { type: 'integer', description: 'How many warnings were left out beyond the first 1,000' },
    },
    required: ['created', 'skipped', 'failed', 'errors', 'warnings'],
  },
  PushSummary: obj({
    pushed: { type: 'array', items: obj({ task_id: int, external_id: str, external_url: nstr }) },
    skipped: { type: 'array', items: obj({ task_id: int, reason: str }) },
    failed: { type: 'array', items: obj({ task_id: int, error: str }) },
  }),
  SyncResult: obj({ task_id: int, short_id: str, created: { type: 'boolean' }, warnings: { type: 'array', items: str, description: 'What could not be applied as sent: a stale push, an unmapped status, a pending assignee or parent, a value cut to the sync limits' } }),
  WebhookIgnored: obj({ ignored: str }),
  WebhookEndpoint: obj({
    id: { type: 'string', format: 'uuid' }, project_id: int, url: { type: 'string', format: 'uri', maxLength: 2048 },
    events: { type: 'array', items: { type: 'string', description: `an event type (${EVENT_TYPES.join(', ')}), <entity>.* or *` } },
    description: nstr, is_active: { type: 'boolean' }, disabled_reason: nstr, created_at: time, updated_at: time,
  }),
  Delivery: obj({
    id: { type: 'string', format: 'uuid' }, endpoint_id: { type: 'string', format: 'uuid' }, event_id: str, event_type: { type: 'string', enum: [...EVENT_TYPES] },
    status: { type: 'string', enum: ['pending', 'succeeded', 'failed'] }, attempts: int, next_attempt_at: ntime, last_status_code: nint,
    last_error: nstr, created_at: time, delivered_at: ntime,
  }),
  DeliveryAccepted: obj({ delivery_id: { type: 'string', format: 'uuid' } }),
}
SCHEMAS.CreatedIntegration = { allOf: [ref('Integration'), obj({ webhook_secret: { type: 'string', description: 'Shown once: vendors sign webhooks with it' } })] }
SCHEMAS.CreatedWebhook = { allOf: [ref('WebhookEndpoint'), obj({ secret: { type: 'string', pattern: '^whsec_', description: 'Shown once: whsec_ + base64 of 32 random bytes; deliveries are signed with it (Standard Webhooks)' } })] }
SCHEMAS.DeliveryDetail = {
  allOf: [ref('Delivery'), obj({
    request_body: { type: 'string', description: 'The exact body sent on every attempt' },
    attempt_log: { type: 'array', items: obj({ at: time, status_code: nint, duration_ms: int, error: nstr, response_excerpt: { type: 'string', description: 'At most 1 KiB of the response body' } }) },
  })],
}
SCHEMAS.TaskDetail = { allOf: [ref('Task'), obj({ subtasks: { type: 'array', items: ref('Task') }, recent_audit: { type: 'array', items: ref('AuditEntry') } })] }

