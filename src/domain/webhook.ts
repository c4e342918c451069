// Outgoing webhooks: endpoints a project's admins subscribe, the event types derived from audit entries, the
// `events` filter with wildcards, the retry schedule and the rules that disable an endpoint. Pure: the outbox,
// the delivery runner and the HTTP client live in the application and adapter layers.
import * as E from 'fp-ts/lib/Either.js'
import type { AuditAction, AuditEntityType, AuditEntry } from './audit.js'
import type { DomainError } from './errors.js'
import type { ProjectId, WorkerId } from './ids.js'
import { charCount } from './text.js'
import { collect, issue, ok, optionalText, type Check } from './validation.js'

export const EVENT_TYPES = [
  'task.created', 'task.updated', 'task.deleted', 'task.status_changed', 'task.status_synced', 'task.progress_updated',
  'task.assigned', 'task.unassigned', 'task.approved', 'task.rejected', 'task.synced',
  'project.updated',
  'member.added', 'member.role_changed', 'member.removed',
  'api_token.created', 'api_token.revoked',
  'integration.created', 'integration.deleted',
  'webhook.ping',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES)
/** The `<entity>` of every type: `task`, `project`, … (`webhook` for the ping). */
const EVENT_ENTITIES: ReadonlySet<string> = new Set(EVENT_TYPES.map((type) => type.split('.')[0] ?? ''))

/** The event type of an audit action, by entity type; entities without events (agents, webhooks) have none. */
const EVENT_OF: Readonly<Partial<Record<AuditEntityType, Partial<Record<AuditAction, EventType>>>>> = {
  task: {
    created: 'task.created', updated: 'task.updated', deleted: 'task.deleted', status_changed: 'task.status_changed',
    status_synced: 'task.status_synced', progress_updated: 'task.progress_updated', assigned: 'task.assigned',
    unassigned: 'task.unassigned', approved: 'task.approved', rejected: 'task.rejected', synced: 'task.synced',
  },
  project: { updated: 'project.updated' },
  member: { member_added: 'member.added', role_changed: 'member.role_changed', member_removed: 'member.removed' },
  api_token: { token_created: 'api_token.created', token_revoked: 'api_token.revoked' },
  integration: { integration_created: 'integration.created', integration_deleted: 'integration.deleted' },
}

/**
 * The event an audit entry is, if any. Only entries of a project are events; entries about webhook endpoints
 * are not (the contract), nor are those of global things (agents) or of a project's creation (nobody can
 * have subscribed yet).
 */
export const eventTypeOf = (entry: Pick<AuditEntry, 'projectId' | 'entityType' | 'action'>): EventType | undefined =>
  entry.projectId === null ? undefined : EVENT_OF[entry.entityType]?.[entry.action]

/** `*`, `<entity>.*` or an exact type. */
export type EventFilter = readonly string[]

export const DEFAULT_EVENT_FILTER: EventFilter = ['*']

const isFilterEntry = (entry: string): boolean =>
  entry === '*' || EVENT_TYPE_SET.has(entry) || (entry.endsWith('.*') && EVENT_ENTITIES.has(entry.slice(0, -2)))

/** Every entry known; duplicates dropped, order kept. An empty list would subscribe to nothing: refused. */
export const validateEventFilter = (events: readonly string[], path = 'events'): E.Either<DomainError, EventFilter> => {
  if (events.length === 0) return collect([], issue(path, 'must hold at least one event type, `<entity>.*` or `*`'))
  if (events.length > EVENT_TYPES.length + EVENT_ENTITIES.size + 1) return collect([], issue(path, 'has more entries than there are event types'))
  const bad = events.flatMap((entry, i) => (isFilterEntry(entry) ? ok : issue(`${path}.${i}`, `unknown event type ${JSON.stringify(entry)}; one of ${EVENT_TYPES.join(', ')}, <entity>.* or *`)))
  return collect([...new Set(events)], bad)
}

/** Whether an endpoint with this filter receives events of this type. A ping goes to its endpoint whatever it filters. */
export const matchesEventFilter = (filter: EventFilter, type: EventType): boolean =>
  type === 'webhook.ping' || filter.some((entry) => entry === '*' || entry === type || (entry.endsWith('.*') && type.startsWith(entry.slice(0, -1))))

export const WEBHOOK_URL_MAX = 2048
export const WEBHOOK_DESCRIPTION_MAX = 500

/** `http` or `https`, at most 2,048 characters, with a host. Where the host points is checked by the UrlGuard port. */
export const checkWebhookUrl = (url: string, path = 'url'): Check => {
  if (charCount(url) > WEBHOOK_URL_MAX) return issue(path, `must be at most ${WEBHOOK_URL_MAX} characters`)
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return issue(path, 'must be an http or https URL')
    return parsed.hostname === '' ? issue(path, 'must name a host') : ok
  } catch {
    return issue(path, 'must be an http or https URL')
  }
}

export const checkWebhookDescription = (description: string | null): Check => optionalText('description', description, WEBHOOK_DESCRIPTION_MAX)

export type WebhookEndpointId = string

export interface WebhookEndpoint {
  readonly id: WebhookEndpointId
  readonly projectId: ProjectId
  readonly url: string
  readonly events: EventFilter
  readonly description: string | null
  readonly isActive: boolean
  readonly disabledReason: string | null
  /** The `whsec_…` signing secret, sealed by the CredentialCipher port. */
  readonly secretSealed: string
  readonly createdById: WorkerId | null
  readonly createdAt: Date
  readonly updatedAt: Date
  /** The first failed attempt since the last success (or since creation); null while deliveries succeed. */
  readonly failingSince: Date | null
  readonly lastSuccessAt: Date | null
}

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** One event for one endpoint, attempted until it succeeds or the schedule runs out. */
export interface EventDelivery {
  readonly id: string
  readonly endpointId: WebhookEndpointId
  readonly eventId: string
  readonly eventType: EventType
  readonly status: DeliveryStatus
  readonly attempts: number
  readonly nextAttemptAt: Date | null
  readonly lastStatusCode: number | null
  readonly lastError: string | null
  readonly createdAt: Date
  readonly deliveredAt: Date | null
}

export interface DeliveryAttempt {
  readonly at: Date
  readonly statusCode: number | null
  readonly durationMs: number
  readonly error: string | null
  /** At most 1 KiB of the response body. */
  readonly responseExcerpt: string
}

export const RESPONSE_EXCERPT_MAX_BYTES = 1024

// ------------------------------------------------------------------------------------------- retries and disabling

/** The contract's default: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (in ms). */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** `5s,5m,30m,2h` -> delays in ms. Each delay 1 ms .. 7 days; at most 20 of them; an empty text is no retries. */
export const parseRetrySchedule = (text: string): E.Either<string, readonly number[]> => {
  if (text.trim() === '') return E.right([])
  const delays: number[] = []
  for (const part of text.split(',')) {
    const m = /^\s*(\d{1,9})\s*(ms|s|m|h)\s*$/.exec(part)
    const ms = m ? Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0) : NaN
    if (!m || !(ms >= 1 && ms <= 7 * 86_400_000)) return E.left(`"${part.trim()}" is not a delay such as 5s, 5m or 2h (ms, s, m, h; up to 7 days)`)
    delays.push(ms)
  }
  return delays.length > 20 ? E.left('at most 20 retries') : E.right(delays)
}

/** A duration such as `10s` or `500ms` (for the attempt timeout), 1 ms .. 10 min. */
export const parseDuration = (text: string): E.Either<string, number> => {
  const parsed = parseRetrySchedule(text)
  if (E.isLeft(parsed) || parsed.right.length !== 1) return E.left(`"${text}" is not a duration such as 10s or 500ms`)
  const ms = parsed.right[0] as number
  return ms <= 600_000 ? E.right(ms) : E.left(`"${text}" is longer than 10 minutes`)
}

/**
 * When to try again after the failed attempt number `attemptsMade` (1 for the first attempt): a schedule of N
 * delays allows at most N + 1 attempts; undefined when there is none left (the delivery has failed).
 */
export const nextAttemptAt = (schedule: readonly number[], attemptsMade: number, failedAt: Date): Date | undefined => {
  const delay = schedule[attemptsMade - 1]
  return attemptsMade >= 1 && delay !== undefined ? new Date(failedAt.getTime() + delay) : undefined
}

export const DISABLE_AFTER_MS = 5 * 86_400_000

export const DISABLED_REASONS = {
  gone: 'the endpoint answered 410 Gone',
  failing: 'no successful delivery for 5 days',
} as const

/**
 * After a failed attempt: the reason to disable the endpoint, if any. `410 Gone` disables at once; otherwise an
 * endpoint whose attempts have failed since `failingSince` for 5 days or more, with no success in between.
 */
export const disableReason = (statusCode: number | null, failingSince: Date | null, now: Date): string | undefined => {
  if (statusCode === 410) return DISABLED_REASONS.gone
  return failingSince !== null && now.getTime() - failingSince.getTime() >= DISABLE_AFTER_MS ? DISABLED_REASONS.failing : undefined
}

/** Any 2xx is a success; everything else (other statuses, redirects, timeouts, refused connections) a failure. */
export const isSuccess = (statusCode: number | null): boolean => statusCode !== null && statusCode >= 200 && statusCode <= 299
