// Inbound task-sync rules: status maps (case-insensitive), the external system as source of truth for
// status, stale pushes, and the validation of what a sync may write.
import * as E from 'fp-ts/lib/Either.js'
import type { DomainError } from './errors.js'
import type { SyncSource } from './external-link.js'
import { checkStoryPoints, checkTags, checkTitle } from './task-fields.js'
import { isTaskStatus, TASK_STATUSES, type TaskStatus } from './task-status.js'
import { checkEmail } from './worker.js'
import { collect, issue, nonEmptyText, ok, optionalText, type Check } from './validation.js'
import { DESCRIPTION_MAX } from './task-fields.js'

export type StatusMap = Readonly<Record<string, TaskStatus>>

export const DEFAULT_STATUS_MAP: StatusMap = { todo: 'pending', in_progress: 'in_progress', done: 'completed' }

const STATUS_MAP_MAX_ENTRIES = 200

/**
 * A per-token (or per-integration) status map: keys are external status names (1..100 characters, unique
 * ignoring case), values must be taskport statuses. Keys are stored lower-cased.
 */
export const validateStatusMap = (raw: Readonly<Record<string, string>>, path = 'status_map'): E.Either<DomainError, StatusMap> => {
  const entries = Object.entries(raw)
  if (entries.length > STATUS_MAP_MAX_ENTRIES) return collect({}, issue(path, `must have at most ${STATUS_MAP_MAX_ENTRIES} entries`))
  // A Map, not a plain object: external names such as `constructor` or `__proto__` must not meet
  // Object.prototype (they were refused as conflicting, or silently dropped).
  const map = new Map<string, TaskStatus>()
  const issues: Check[] = []
  for (const [key, value] of entries) {
    const lower = key.trim().toLowerCase()
    const earlier = map.get(lower)
    if (lower.length === 0 || key.length > 100) {
      issues.push(issue(`${path}.${key}`, 'keys must be 1..100 characters'))
    } else if (!isTaskStatus(value)) {
      issues.push(issue(`${path}.${key}`, `must be one of ${TASK_STATUSES.join(', ')}`))
    } else if (earlier !== undefined && earlier !== value) {
      issues.push(issue(`${path}.${key}`, 'maps a status that another key already maps differently (keys ignore case)'))
    } else {
      map.set(lower, value)
    }
  }
  // fromEntries defines own properties, so even a `__proto__` key is kept as data.
  return collect<StatusMap>(Object.fromEntries(map), ...issues)
}

/** The default map overlaid with a custom one (custom keys win). */
export const effectiveStatusMap = (custom: StatusMap): StatusMap => ({ ...DEFAULT_STATUS_MAP, ...custom })

/** The taskport status an external status maps to, ignoring case and surrounding space; undefined if unmapped. */
export const mapExternalStatus = (map: StatusMap, external: string): TaskStatus | undefined => {
  const key = external.trim().toLowerCase()
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined
}

/** A push is stale when it carries an `updated_at` strictly older than the last one applied to its link. */
export const isStale = (lastApplied: Date | null, incoming: Date | undefined): boolean =>
  lastApplied !== null && incoming !== undefined && incoming.getTime() < lastApplied.getTime()

export const SYNC_WARNINGS = {
  stale: 'stale update ignored',
  unmappedStatus: (status: string, kept: TaskStatus) => `status "${status}" is not mapped; status left as ${kept}`,
  pendingAssignee: (email: string) => `assignee ${email} is not a member of this project; assignment pending until they are added`,
  pendingParent: (externalId: string) => `parent ${externalId} not found; the task stays top-level until the parent arrives`,
  parentCycle: (externalId: string) => `parent ${externalId} not attached: Circular reference detected`,
} as const

export interface SyncFields {
  readonly externalId: string
  readonly name: string
  readonly description?: string | null
  readonly storyPoints?: number | null
  readonly labels?: readonly string[]
  readonly externalUrl?: string | null
  readonly assigneeEmail?: string | null
  readonly parentExternalId?: string | null
}

/** A push: the fields, where it comes from, its status in the source's terms, and its last change there. */
export interface SyncPayload extends SyncFields {
  readonly source: SyncSource
  /** The external status name, mapped through the status map. */
  readonly status?: string | null
  /** The source's last-modified time of the item. */
  readonly updatedAt?: Date
}

const checkUrl = (url: string | null | undefined): Check => {
  if (url === null || url === undefined) return ok
  if (url.length > 2048) return issue('external_url', 'must be at most 2048 characters')
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? ok : issue('external_url', 'must be an http(s) URL')
  } catch {
    return issue('external_url', 'must be an http(s) URL')
  }
}

/** Validates what a push would write, reporting every bad field with its payload name. */
export const validateSyncFields = <A extends SyncFields>(fields: A): E.Either<DomainError, A> =>
  collect(
    fields,
    nonEmptyText('external_id', fields.externalId, 255),
    checkTitle(fields.name, 'name'),
    optionalText('description', fields.description ?? null, DESCRIPTION_MAX),
    checkStoryPoints(fields.storyPoints ?? null),
    checkTags(fields.labels ?? [], 'labels'),
    checkUrl(fields.externalUrl),
    fields.assigneeEmail ? checkEmail('assignee_email', fields.assigneeEmail) : ok,
    fields.parentExternalId ? nonEmptyText('parent_external_id', fields.parentExternalId, 255) : ok,
  )
