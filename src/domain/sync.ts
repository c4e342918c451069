// Inbound task-sync rules: status maps (case-insensitive), the external system as source of truth for
// status, stale pushes, what a push is refused for (its identity only) and how its content is fitted.
import * as E from 'fp-ts/lib/Either.js'
import type { DomainError } from './errors.js'
import type { SyncSource } from './external-link.js'
import { checkStoryPoints, normalizeTags, SYNC_TASK_LIMITS, type TaskLimits } from './task-fields.js'
import { isTaskStatus, TASK_STATUSES, type TaskStatus } from './task-status.js'
import { charCount, truncateChars } from './text.js'
import { checkEmail } from './worker.js'
import { collect, issue, nonEmptyText, ok, type Check } from './validation.js'

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
    if (lower.length === 0 || charCount(key) > 100) {
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
  /** Absent: the title stays as it is (a new task is titled with its external id). */
  readonly name?: string
  readonly description?: string | null
  readonly storyPoints?: number | null
  /** `null` or `[]`: no tags. */
  readonly labels?: readonly string[] | null
  readonly externalUrl?: string | null
  readonly assigneeEmail?: string | null
  readonly parentExternalId?: string | null
}

/**
 * A push: the fields, where it comes from, its status in the source's terms, and its last change there. A field
 * that is absent (undefined) leaves the task's value as it is; only `null` (or `[]` for labels) clears it.
 */
export interface SyncPayload extends SyncFields {
  readonly source: SyncSource
  /** The external status name, mapped through the status map. */
  readonly status?: string | null
  /** The source's last-modified time of the item. */
  readonly updatedAt?: Date
  /** What the translation of a vendor's payload could not carry over; they join the answer's warnings. */
  readonly warnings?: readonly string[]
  /** Facts of the source kept in the audit details of the change (e.g. GitHub assignees beyond the first). */
  readonly auditNotes?: Readonly<Record<string, unknown>>
}

export const EXTERNAL_URL_MAX = 2048

const isHttpUrl = (url: string): boolean => {
  if (charCount(url) > EXTERNAL_URL_MAX) return false
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:'
  } catch {
    return false
  }
}

/**
 * What a push is refused for: only the identity of the item (an external id of 1..255 characters, a name that is
 * not blank when given, a parent id of at most 255). Content is never refused: see fitSyncFields.
 */
export const validateSyncIdentity = <A extends SyncFields>(fields: A): E.Either<DomainError, A> =>
  collect(
    fields,
    nonEmptyText('external_id', fields.externalId, 255),
    fields.name === undefined ? ok : nonEmptyText('name', fields.name, Number.POSITIVE_INFINITY),
    fields.parentExternalId ? nonEmptyText('parent_external_id', fields.parentExternalId, 255) : ok,
  )

const quote = (text: string): string => JSON.stringify(truncateChars(text, 40, '…'))

/**
 * Fits what a source system sent into SYNC_TASK_LIMITS without refusing any of it: text over a limit is cut at
 * a character boundary (titles and descriptions end with `…`), labels beyond the count are dropped from the end,
 * blank labels are dropped, and a value that cannot be stored at all (an external URL that is not http(s), an
 * assignee that is not an email address, a non-finite number) is left out, so that the task keeps its value.
 * Every such change is one warning.
 */
export const fitSyncFields = <A extends SyncFields>(fields: A, limits: TaskLimits = SYNC_TASK_LIMITS): { readonly fields: A; readonly warnings: readonly string[] } => {
  const warnings: string[] = []
  const fitted: { -readonly [K in keyof SyncFields]: SyncFields[K] } = { ...fields }
  if (fields.name !== undefined && charCount(fields.name) > limits.title) {
    fitted.name = truncateChars(fields.name, limits.title, '…')
    warnings.push(`name truncated from ${charCount(fields.name)} to ${limits.title} characters`)
  }
  if (typeof fields.description === 'string' && charCount(fields.description) > limits.description) {
    fitted.description = truncateChars(fields.description, limits.description, '…')
    warnings.push(`description truncated from ${charCount(fields.description)} to ${limits.description} characters`)
  }
  if (fields.labels !== undefined) {
    const labels: string[] = []
    for (const label of fields.labels ?? []) {
      if (label.trim().length === 0) {
        warnings.push('a blank label was dropped')
      } else if (charCount(label) > limits.tagLength) {
        labels.push(truncateChars(label, limits.tagLength))
        warnings.push(`label ${quote(label)} truncated from ${charCount(label)} to ${limits.tagLength} characters`)
      } else labels.push(label)
    }
    const distinct = normalizeTags(labels)
    if (distinct.length > limits.tags) warnings.push(`${distinct.length} labels given; the first ${limits.tags} were kept`)
    fitted.labels = distinct.slice(0, limits.tags)
  }
  if (typeof fields.storyPoints === 'number' && checkStoryPoints(fields.storyPoints, 'story_points', limits).length > 0) {
    delete fitted.storyPoints
    warnings.push('story_points is not a finite number; left as it is')
  }
  if (typeof fields.externalUrl === 'string' && !isHttpUrl(fields.externalUrl)) {
    delete fitted.externalUrl
    warnings.push(`external_url is not an http(s) URL of at most ${EXTERNAL_URL_MAX} characters; left as it is`)
  }
  if (fields.assigneeEmail && checkEmail('assignee_email', fields.assigneeEmail).length > 0) {
    delete fitted.assigneeEmail
    warnings.push(`assignee_email ${quote(fields.assigneeEmail)} is not an email address; the assignee is left as it is`)
  }
  return { fields: fitted as A, warnings }
}
