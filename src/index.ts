// Entry point `taskport`: the domain rules, the use cases bound to a set of adapters (`createTaskport`), the ports
// a host implements to bring its own adapters, and the in-memory adapters. Its only dependencies are fp-ts and
// io-ts. Database, HTTP and MCP adapters are entry points of their own (`taskport/mikro-orm`, `taskport/koa`,
// `taskport/mcp`), so that embedding the core costs none of them.
//
// What is here is a decision, not everything there is: the names docs/embedding.md, docs/testing-domain-rules.md
// and the README document, and the types their signatures use. `etc/api/taskport.api.md` is the reviewed record
// of it (api-extractor, checked by .ci/run); helpers of the adapters stay inside the package.

// --- Composition: every use case over one set of adapters --------------------------------------------------
export { createTaskport, type Taskport } from './main/create-taskport.js'
export type { Deps } from './application/deps.js'
export { inMemoryAdapters, MemoryDb, type InMemoryAdapters } from './adapters/persistence/memory/index.js'
export type { EventDeliveryRow, Sequences, Tables } from './adapters/persistence/memory/memory-db.js'
export { nodeTokenSecrets, randomIds, systemClock } from './adapters/system/index.js'
export { aesGcmCipher, CipherKeyError, ephemeralCipher } from './adapters/system/index.js'

// --- Callers, answers, errors of the use cases -----------------------------------------------------------
export type { Caller, Principal } from './application/caller.js'
export { describeAppError, type AppError, type ApplicationError } from './application/errors.js'
export type { Page, PageRequest } from './application/pagination.js'
export type { ExternalLinkView, MemberView, ProjectView, TaskDetail, TaskView } from './application/views.js'
export type { AddMemberCommand } from './application/members/add-member.js'
export type { UpdateTaskCommand } from './application/tasks/update-task.js'
export type { ChangeStatusCommand } from './application/workflow/change-task-status.js'
export type { ReportProgressCommand } from './application/workflow/report-progress.js'
export type { CreateApiTokenCommand, IssuedApiToken } from './application/tokens/create-api-token.js'
export type { CreateIntegrationCommand, CreatedIntegration } from './application/integrations/create-integration.js'
export type { ImportProgress, ImportSummary } from './application/integrations/import-items.js'
export type { PushSummary } from './application/integrations/push-tasks.js'
export type { WebhookAnswer } from './application/integrations/receive-webhook.js'
export type { SyncTaskCommand } from './application/sync/sync-task.js'
export type { SyncResult } from './application/sync/apply-sync.js'
export type { CreateWebhookCommand, CreatedWebhook } from './application/webhooks/create-webhook.js'
export type { UpdateWebhookCommand } from './application/webhooks/update-webhook.js'
export type { DeliveryDetail } from './application/webhooks/list-deliveries.js'
export type { AttemptReport, ClaimOptions, DeliveryJob } from './application/webhooks/deliver-webhooks.js'

// --- Ports: what a host implements to bring its own persistence, clock, vendors ---------------------------
export type { Stores, UnitOfWork } from './application/ports/unit-of-work.port.js'
export { ConcurrentUpdate, StoreUnavailable, UniqueViolation } from './application/ports/store-errors.js'
export type { Clock } from './application/ports/clock.port.js'
export type { IdGenerator } from './application/ports/id-generator.port.js'
export type { TokenSecrets } from './application/ports/token-secrets.port.js'
export type { CredentialCipher } from './application/ports/credential-cipher.port.js'
export type { EventNotifier, UrlGuard } from './application/ports/url-guard.port.js'
export { VendorError, type CreatedItem, type ImportItem, type ImportPage, type OutboundTask, type VendorClient } from './application/ports/vendor-client.port.js'
export type { InboundEvent, WebhookRequest, WebhookVendor } from './application/ports/webhook-vendor.port.js'
export type { ApiTokenReader, ApiTokenWriter, TokenKey } from './application/ports/api-token-store.port.js'
export type { AuditFilter, AuditReader, AuditWriter } from './application/ports/audit-log.port.js'
export type { ExternalLinkReader, ExternalLinkWriter } from './application/ports/external-link-store.port.js'
export type { IntegrationKey, IntegrationReader, IntegrationWriter, WebhookDelivery } from './application/ports/integration-store.port.js'
export type { MemberReader, MemberWriter } from './application/ports/member-store.port.js'
export type { KeysetQuery } from './application/ports/pagination.port.js'
export type { ProjectReader, ProjectStats, ProjectWriter } from './application/ports/project-store.port.js'
export type { TaskDetailRecord, TaskFilter, TaskReader, TaskWriter } from './application/ports/task-store.port.js'
export type {
  AttemptRecord, ClaimedDelivery, ClaimRequest, DeliveryKey, EndpointHealth, OutboxEvent, StoredDelivery, WebhookEndpointKey, WebhookReader, WebhookWriter,
} from './application/ports/webhook-store.port.js'
export type { WorkerReader, WorkerWriter } from './application/ports/worker-store.port.js'
export type { IdempotencyRecord, IdempotencyStore, IdempotentResponse } from './application/ports/idempotency-store.port.js'
export { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_RETENTION_MS, type IdempotentOutcome, type IdempotentRequest } from './application/idempotency/idempotent.js'
export { createIdempotencyCleanup, type IdempotencyCleanup, type IdempotencyCleanupOptions } from './main/idempotency-cleanup.js'

// --- Domain: entities and rules, pure (docs/testing-domain-rules.md) --------------------------------------
export type { ApiTokenId, ProjectId, TaskId, WorkerId } from './domain/ids.js'
export { describeDomainError, type DomainError, type DomainErrorTag, type Issue } from './domain/errors.js'
export { createTask, type NewTask, type Task, type TaskInput, type TaskOrigin, type TaskPatch } from './domain/task.js'
export { isPriority, PRIORITIES, type Priority, type TaskLimits } from './domain/task-fields.js'
export { allowedTargets, canTransition, isTaskStatus, TASK_STATUSES, TRANSITIONS, type TaskStatus, type TransitionVia } from './domain/task-status.js'
export { approve, changeStatus, checkVersion, reject, reportProgress } from './domain/task-workflow.js'
export { checkParent, rollupProgress, type HierarchyNode, type RollupChild } from './domain/hierarchy.js'
export { checkAssignee } from './domain/assignment.js'
export {
  changeRole, effectiveRole, isRole, mayCreateTask, mayDeleteProject, mayManageMembers, mayManageTokens, mayModifyTask, mayReview, mayUpdateProject, ROLES,
  type Assignable, type Membership, type ProjectAccess, type Role,
} from './domain/membership.js'
export { createProject, type NewProject, type Project, type ProjectInput, type ProjectPatch } from './domain/project.js'
export { createAgent, createHuman, isAgent, type AgentInput, type AgentPatch, type HumanInput, type NewWorker, type Worker, type WorkerType } from './domain/worker.js'
export {
  auditEntry, recordChanges, taskChanges, AUDIT_ACTIONS, AUDIT_ENTITY_TYPES,
  type AuditAction, type AuditActor, type AuditDetails, type AuditEntityType, type AuditEntry, type FieldValues, type JsonValue, type NewAuditEntry,
} from './domain/audit.js'
export {
  DEFAULT_STATUS_MAP, effectiveStatusMap, fitSyncFields, isStale, mapExternalStatus, validateStatusMap, validateSyncIdentity,
  type StatusMap, type SyncFields, type SyncPayload,
} from './domain/sync.js'
export { isSyncSource, LINK_SOURCES, SYNC_SOURCES, type ExternalLink, type LinkSource, type NewExternalLink, type SyncSource } from './domain/external-link.js'
export { INTEGRATION_TYPES, type Integration, type IntegrationId, type IntegrationSettings, type IntegrationType } from './domain/integration.js'
export type { ApiToken } from './domain/api-token.js'
export {
  DELIVERY_STATUSES, EVENT_TYPES, type DeliveryAttempt, type DeliveryStatus, type EventDelivery, type EventFilter, type EventType, type WebhookEndpoint, type WebhookEndpointId,
} from './domain/webhook.js'
