// Jira's `jira:issue_created` / `jira:issue_updated` / `jira:issue_deleted` webhooks (X-Hub-Signature,
// X-Atlassian-Webhook-Identifier) as pushes. The status is Jira's status category key (new, indeterminate, done).
import { emailOfExternalUser, setting, type Integration } from '../../../domain/index.js'
import type { InboundEvent, WebhookRequest, WebhookVendor } from '../../../application/index.js'
import { date, field, str, verifyHmac } from '../signature.js'

/** Plain text of an Atlassian Document Format value (REST v3), or the string itself (v2). */
export const adfText = (value: unknown): string | null => {
  if (typeof value === 'string') return value
  if (typeof value !== 'object' || value === null) return null
  const parts: string[] = []
  const walk = (node: unknown): void => {
    const text = str(field(node, 'text'))
    if (text) parts.push(text)
    const content = field(node, 'content')
    if (Array.isArray(content)) {
      content.forEach(walk)
      if (['paragraph', 'heading', 'listItem', 'codeBlock', 'blockquote'].includes(str(field(node, 'type')) ?? '')) parts.push('\n')
    }
  }
  walk(value)
  return parts.join('').trim() || null
}

const has = (value: unknown, key: string): boolean => typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, key)

/**
 * Jira's issue `fields` as a push. Webhooks carry the whole issue, but a field that is absent (a field hidden
 * from the webhook's user, or an issue type without it) is left out, so that the task keeps its value; `null`
 * clears. The assignee resolves by `emailAddress` (hidden by Atlassian's privacy settings for most users) or
 * through `assignee_mapping` by `accountId` (Cloud) or `name` (Data Center).
 */
const translate = (request: WebhookRequest, integration: Integration): InboundEvent => {
  const body = request.body
  const event = str(field(body, 'webhookEvent'))
  if (event === 'jira:issue_deleted') return { kind: 'ignored', reason: 'issue deleted in Jira: taskport keeps the task' }
  if (event !== 'jira:issue_created' && event !== 'jira:issue_updated') return { kind: 'ignored', reason: `${event ?? 'unknown'} events carry no task change` }
  const issue = field(body, 'issue')
  const key = str(field(issue, 'key'))
  if (!key) return { kind: 'ignored', reason: 'issue without a key' }
  const fields = field(issue, 'fields')
  const warnings: string[] = []
  let assignment: { assigneeEmail?: string | null } = {}
  if (has(fields, 'assignee')) {
    const assignee = field(fields, 'assignee')
    const user = str(field(assignee, 'accountId')) ?? str(field(assignee, 'name'))
    const email = str(field(assignee, 'emailAddress')) || (user ? emailOfExternalUser(integration, user) : undefined)
    if (assignee === null) assignment = { assigneeEmail: null }
    else if (email) assignment = { assigneeEmail: email }
    else warnings.push(`Jira assignee ${str(field(assignee, 'displayName')) ?? user ?? '?'} has no email address and no entry in assignee_mapping; the assignee is left as it is`)
  }
  const summary = str(field(fields, 'summary'))
  const labels = field(fields, 'labels')
  const host = setting(integration, 'host') ?? ''
  const base = /^https?:\/\//.test(host) ? host.replace(/\/+$/, '') : `https://${host}`
  const updatedAt = date(field(fields, 'updated'))
  // Jira Cloud leaves `parent` out, rather than null, for an issue without one: a parent taken away shows in the
  // changelog of the update (field `IssueParentAssociation`, or `Parent`, with an empty `to`).
  const parentRemoved = Array.isArray(field(body, 'changelog', 'items')) && (field(body, 'changelog', 'items') as unknown[]).some((item) =>
    ['issueparentassociation', 'parent'].includes((str(field(item, 'field')) ?? '').toLowerCase()) && !str(field(item, 'to')))
  const parent = has(fields, 'parent') ? field(fields, 'parent') : parentRemoved ? null : undefined
  const parentKey = str(field(parent, 'key'))
  const status = str(field(fields, 'status', 'statusCategory', 'key'))
  return {
    kind: 'sync',
    payload: {
      source: 'jira',
      externalId: key,
      ...(summary?.trim() ? { name: summary } : {}),
      ...(has(fields, 'description') ? { description: adfText(field(fields, 'description')) } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(Array.isArray(labels) ? { labels: labels.filter((l): l is string => typeof l === 'string') } : labels === null ? { labels: null } : {}),
      externalUrl: `${base}/browse/${key}`,
      ...assignment,
      ...(parent === null ? { parentExternalId: null } : parentKey ? { parentExternalId: parentKey } : {}),
      ...(updatedAt ? { updatedAt } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    },
  }
}

export const jiraWebhook: WebhookVendor = {
  verify: (request, secret) => verifyHmac(secret, request.rawBody, request.header('x-hub-signature'), 'sha256='),
  deliveryId: (request) => request.header('x-atlassian-webhook-identifier'),
  translate,
}
