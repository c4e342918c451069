// Audit: every change yields one entry with its actor and the before/after of only the changed fields.
import type { ApiTokenId, ProjectId, WorkerId } from './ids.js'
import { changedFields, type Task } from './task.js'

export type AuditActor =
  | { readonly type: 'human' | 'agent'; readonly id: WorkerId }
  | { readonly type: 'api_token'; readonly id: ApiTokenId }

export const AUDIT_ENTITY_TYPES = ['project', 'task', 'member', 'agent', 'api_token', 'integration', 'webhook'] as const
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number]

export const AUDIT_ACTIONS = [
  'created', 'updated', 'deleted',
  'status_changed', 'status_synced', 'progress_updated', 'assigned', 'unassigned', 'approved', 'rejected', 'synced',
  'member_added', 'role_changed', 'member_removed',
  'token_created', 'token_revoked',
  'integration_created', 'integration_deleted',
  'webhook_created', 'webhook_updated', 'webhook_disabled', 'webhook_deleted',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue }
export type FieldValues = Readonly<Record<string, JsonValue>>

export interface AuditDetails {
  readonly before?: FieldValues
  readonly after?: FieldValues
  readonly reason?: string
  readonly note?: string
  readonly [extra: string]: JsonValue | undefined
}

export interface AuditEntry {
  readonly id: number
  /** null only for entries about global things (agents). */
  readonly projectId: ProjectId | null
  readonly entityType: AuditEntityType
  readonly entityId: string
  readonly action: AuditAction
  readonly actor: AuditActor
  readonly details: AuditDetails
  readonly createdAt: Date
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>

export const auditEntry = (
  actor: AuditActor,
  projectId: ProjectId | null,
  entityType: AuditEntityType,
  entityId: string | number,
  action: AuditAction,
  details: AuditDetails,
  now: Date,
): NewAuditEntry => ({ projectId, entityType, entityId: String(entityId), action, actor, details, createdAt: now })

const toJson = (value: unknown): JsonValue => {
  if (value instanceof Date) return value.toISOString()
  if (value === undefined) return null
  return value as JsonValue
}

/** Wire names of the tracked task fields, as they appear in `details.before/after`. */
const TASK_WIRE_NAMES: Readonly<Record<string, string>> = {
  title: 'title', description: 'description', status: 'status', priority: 'priority', tags: 'tags',
  dueDate: 'due_date', storyPoints: 'story_points', assigneeId: 'assignee_id', parentTaskId: 'parent_task_id',
  progressPercent: 'progress_percent', startedAt: 'started_at', completedAt: 'completed_at',
}

/** `{before, after}` of only the task fields that differ. */
export const taskChanges = (before: Task, after: Task): { before: FieldValues; after: FieldValues } => {
  const b: Record<string, JsonValue> = {}
  const a: Record<string, JsonValue> = {}
  for (const field of changedFields(before, after)) {
    const name = TASK_WIRE_NAMES[field] ?? field
    b[name] = toJson(before[field])
    a[name] = toJson(after[field])
  }
  return { before: b, after: a }
}

/** The full snapshot of a task's tracked fields (for `created` and `deleted` entries). */
export const taskSnapshot = (task: Task): FieldValues => {
  const out: Record<string, JsonValue> = { title: task.title }
  for (const [field, name] of Object.entries(TASK_WIRE_NAMES)) out[name] = toJson(task[field as keyof Task])
  return out
}

/** `{before, after}` of only the differing keys of two flat records of JSON values. */
export const recordChanges = (
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): { before: FieldValues; after: FieldValues } => {
  const b: Record<string, JsonValue> = {}
  const a: Record<string, JsonValue> = {}
  for (const key of Object.keys(after)) {
    const x = toJson(before[key])
    const y = toJson(after[key])
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      b[key] = x
      a[key] = y
    }
  }
  return { before: b, after: a }
}

export const hasChanges = (changes: { before: FieldValues }): boolean => Object.keys(changes.before).length > 0
