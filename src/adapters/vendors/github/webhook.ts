// GitHub's `issues` and `sub_issues` webhook events (X-Hub-Signature-256, X-GitHub-Delivery) as task-sync pushes.
// External ids are scoped to the integration's repository: `owner/repo#123`.
import { emailOfExternalUser, githubExternalId, setting, type Integration, type SyncPayload } from '../../../domain/index.js'
import type { InboundEvent, WebhookRequest, WebhookVendor } from '../../../application/index.js'
import { date, field, str, verifyHmac } from '../signature.js'

/** The `state_reason`s GitHub documents for a closed issue (`reopened` comes with `open`, null with either). */
const CLOSE_REASONS = new Set(['completed', 'not_planned', 'duplicate'])

/**
 * GitHub's state and state_reason as the keys of the default map: `open`, `closed`, `closed/completed`,
 * `closed/not_planned`, `closed/duplicate`. A reason GitHub does not document yet falls back to `closed`.
 */
export const githubStatusKey = (state: string | undefined, reason: string | undefined | null): string | undefined =>
  state === undefined ? undefined : state === 'closed' && reason && CLOSE_REASONS.has(reason) ? `closed/${reason}` : state

const repoOf = (integration: Integration): { owner: string; repo: string } => ({ owner: setting(integration, 'owner') ?? '', repo: setting(integration, 'repo') ?? '' })

const has = (value: unknown, key: string): boolean => typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, key)

/** A field that is absent stays absent (undefined); null stays null; a string is the value. */
const text = (value: unknown, key: string): string | null | undefined => {
  if (!has(value, key)) return undefined
  const v = field(value, key)
  return typeof v === 'string' ? v : v === null ? null : undefined
}

interface Assignment {
  readonly assigneeEmail?: string | null
  readonly warnings: readonly string[]
  readonly others: readonly string[]
}

/**
 * GitHub's `assignees` (the current field; `assignee` is its deprecated first entry): the first login with an
 * entry in `assignee_mapping` is the task's assignee, the other logins go to the audit details. No assignees:
 * unassigned. Logins none of which is mapped cannot be resolved: the assignee is left as it is, with a warning.
 * A payload with neither field (GitHub's `pinned` has no `assignee`) leaves the assignee alone.
 */
const githubAssignment = (integration: Integration, issue: unknown): Assignment => {
  const list = field(issue, 'assignees')
  const single = field(issue, 'assignee')
  const logins = Array.isArray(list)
    ? list.map((a) => str(field(a, 'login'))).filter((l): l is string => l !== undefined)
    : has(issue, 'assignee') ? [str(field(single, 'login'))].filter((l): l is string => l !== undefined) : undefined
  if (logins === undefined) return { warnings: [], others: [] }
  if (logins.length === 0) return { assigneeEmail: null, warnings: [], others: [] }
  const mapped = logins.find((login) => emailOfExternalUser(integration, login) !== undefined)
  const others = logins.filter((login) => login !== mapped)
  const warnings: string[] = []
  if (mapped === undefined) warnings.push(`GitHub assignee ${logins.join(', ')} has no entry in assignee_mapping; the assignee is left as it is`)
  else if (others.length > 0) warnings.push(`a task has one assignee: ${mapped} is assigned, ${others.join(', ')} noted in the audit`)
  return { ...(mapped ? { assigneeEmail: emailOfExternalUser(integration, mapped) ?? null } : {}), warnings, others }
}

/**
 * An issue object of the REST API or a webhook as a push (shared with the import). Every field the object does
 * not carry is left out of the push, so that the task keeps its value: GitHub's `pinned` and `unpinned` payloads,
 * for one, have neither `labels` nor `assignee` nor `state`.
 */
export const githubIssuePush = (integration: Integration, issue: unknown, parentNumber?: number | null): SyncPayload => {
  const { owner, repo } = repoOf(integration)
  const number = Number(field(issue, 'number'))
  const updatedAt = date(field(issue, 'updated_at'))
  const title = text(issue, 'title')
  const body = text(issue, 'body')
  const url = text(issue, 'html_url')
  const labels = field(issue, 'labels')
  const state = str(field(issue, 'state'))
  const assignment = githubAssignment(integration, issue)
  return {
    source: 'github',
    externalId: githubExternalId(owner, repo, number),
    ...(title?.trim() ? { name: title } : {}),
    ...(body !== undefined ? { description: body } : {}),
    ...(state !== undefined ? { status: githubStatusKey(state, str(field(issue, 'state_reason'))) ?? null } : {}),
    ...(Array.isArray(labels) ? { labels: labels.map((l) => (typeof l === 'string' ? l : str(field(l, 'name')) ?? '')).filter(Boolean) } : labels === null ? { labels: null } : {}),
    ...(url !== undefined ? { externalUrl: url } : {}),
    ...(assignment.assigneeEmail !== undefined ? { assigneeEmail: assignment.assigneeEmail } : {}),
    ...(parentNumber === null ? { parentExternalId: null } : parentNumber !== undefined ? { parentExternalId: githubExternalId(owner, repo, parentNumber) } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(assignment.warnings.length > 0 ? { warnings: assignment.warnings } : {}),
    ...(assignment.others.length > 0 ? { auditNotes: { other_assignees: assignment.others } } : {}),
  }
}

const sameRepo = (integration: Integration, repository: unknown): boolean => {
  const fullName = str(field(repository, 'full_name'))
  const { owner, repo } = repoOf(integration)
  return fullName === undefined || fullName.toLowerCase() === `${owner}/${repo}`.toLowerCase()
}

const translate = (request: WebhookRequest, integration: Integration): InboundEvent => {
  const event = request.header('x-github-event')
  const body = request.body
  const action = str(field(body, 'action')) ?? ''
  if (event === 'ping') return { kind: 'ignored', reason: 'ping' }
  if (event === 'issues') {
    if (field(body, 'issue', 'pull_request') !== undefined) return { kind: 'ignored', reason: 'pull requests are not synced' }
    if (!sameRepo(integration, field(body, 'repository'))) return { kind: 'ignored', reason: 'another repository' }
    if (action === 'deleted' || action === 'transferred') return { kind: 'ignored', reason: `issue ${action} on GitHub: taskport keeps the task` }
    if (!Number.isInteger(field(body, 'issue', 'number'))) return { kind: 'ignored', reason: 'issues event without an issue number' }
    return { kind: 'sync', payload: githubIssuePush(integration, field(body, 'issue')) }
  }
  if (event === 'sub_issues') {
    const sub = field(body, 'sub_issue')
    const parentNumber = Number(field(body, 'parent_issue', 'number'))
    if (!Number.isInteger(field(sub, 'number')) || !Number.isInteger(parentNumber)) return { kind: 'ignored', reason: 'sub_issues event without both issues' }
    const subRepo = field(body, 'sub_issue_repo') ?? field(body, 'repository')
    if (!sameRepo(integration, subRepo) || !sameRepo(integration, field(body, 'parent_issue_repo') ?? field(body, 'repository'))) {
      return { kind: 'ignored', reason: 'sub-issue relation across repositories' }
    }
    const added = action === 'sub_issue_added' || action === 'parent_issue_added'
    const removed = action === 'sub_issue_removed' || action === 'parent_issue_removed'
    if (!added && !removed) return { kind: 'ignored', reason: `sub_issues ${action}` }
    return { kind: 'sync', payload: githubIssuePush(integration, sub, added ? parentNumber : null) }
  }
  return { kind: 'ignored', reason: `${event ?? 'unknown'} events carry no task change` }
}

export const githubWebhook: WebhookVendor = {
  verify: (request, secret) => verifyHmac(secret, request.rawBody, request.header('x-hub-signature-256'), 'sha256='),
  deliveryId: (request) => request.header('x-github-delivery'),
  translate,
}
