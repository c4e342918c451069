// GitHub's `issues` and `sub_issues` webhook events (X-Hub-Signature-256, X-GitHub-Delivery) as task-sync pushes.
// External ids are scoped to the integration's repository: `owner/repo#123`.
import { emailOfExternalUser, githubExternalId, setting, type Integration, type SyncPayload } from '../../../domain/index.js'
import type { InboundEvent, WebhookRequest, WebhookVendor } from '../../../application/index.js'
import { date, field, str, verifyHmac } from '../signature.js'

/** GitHub's state and state_reason as the keys of the default map (`closed/not_planned` -> cancelled). */
export const githubStatusKey = (state: string | undefined, reason: string | undefined | null): string | undefined =>
  state === undefined ? undefined : state === 'closed' && reason ? `closed/${reason}` : state

const repoOf = (integration: Integration): { owner: string; repo: string } => ({ owner: setting(integration, 'owner') ?? '', repo: setting(integration, 'repo') ?? '' })

/** An issue object of the REST API or a webhook as a push (shared with the import). */
export const githubIssuePush = (integration: Integration, issue: unknown, parentNumber?: number | null): SyncPayload => {
  const { owner, repo } = repoOf(integration)
  const login = str(field(issue, 'assignee', 'login'))
  const email = login ? emailOfExternalUser(integration, login) : undefined
  const labels = field(issue, 'labels')
  const number = Number(field(issue, 'number'))
  const updatedAt = date(field(issue, 'updated_at'))
  return {
    source: 'github',
    externalId: githubExternalId(owner, repo, number),
    name: str(field(issue, 'title')) ?? `Issue #${number}`,
    description: str(field(issue, 'body')) ?? null,
    status: githubStatusKey(str(field(issue, 'state')), str(field(issue, 'state_reason'))) ?? null,
    labels: Array.isArray(labels) ? labels.map((l) => (typeof l === 'string' ? l : str(field(l, 'name')) ?? '')).filter(Boolean) : [],
    externalUrl: str(field(issue, 'html_url')) ?? null,
    // No login: unassigned. A login without a mapped email cannot be resolved: leave the assignee as it is.
    ...(login === undefined ? { assigneeEmail: null } : email ? { assigneeEmail: email } : {}),
    ...(parentNumber === null ? { parentExternalId: null } : parentNumber !== undefined ? { parentExternalId: githubExternalId(owner, repo, parentNumber) } : {}),
    ...(updatedAt ? { updatedAt } : {}),
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
