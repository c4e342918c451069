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

const translate = (request: WebhookRequest, integration: Integration): InboundEvent => {
  const body = request.body
  const event = str(field(body, 'webhookEvent'))
  if (event === 'jira:issue_deleted') return { kind: 'ignored', reason: 'issue deleted in Jira: taskport keeps the task' }
  if (event !== 'jira:issue_created' && event !== 'jira:issue_updated') return { kind: 'ignored', reason: `${event ?? 'unknown'} events carry no task change` }
  const issue = field(body, 'issue')
  const key = str(field(issue, 'key'))
  if (!key) return { kind: 'ignored', reason: 'issue without a key' }
  const fields = field(issue, 'fields')
  const assignee = field(fields, 'assignee')
  const accountId = str(field(assignee, 'accountId'))
  const email = str(field(assignee, 'emailAddress')) ?? (accountId ? emailOfExternalUser(integration, accountId) : undefined)
  const labels = field(fields, 'labels')
  const host = setting(integration, 'host') ?? ''
  const base = /^https?:\/\//.test(host) ? host.replace(/\/+$/, '') : `https://${host}`
  const updatedAt = date(field(fields, 'updated'))
  const parent = field(fields, 'parent')
  return {
    kind: 'sync',
    payload: {
      source: 'jira',
      externalId: key,
      name: str(field(fields, 'summary')) ?? key,
      description: adfText(field(fields, 'description')),
      status: str(field(fields, 'status', 'statusCategory', 'key')) ?? null,
      labels: Array.isArray(labels) ? labels.filter((l): l is string => typeof l === 'string') : [],
      externalUrl: `${base}/browse/${key}`,
      ...(assignee === null ? { assigneeEmail: null } : email ? { assigneeEmail: email } : {}),
      ...(parent === null ? { parentExternalId: null } : str(field(parent, 'key')) ? { parentExternalId: str(field(parent, 'key')) ?? '' } : {}),
      ...(updatedAt ? { updatedAt } : {}),
    },
  }
}

export const jiraWebhook: WebhookVendor = {
  verify: (request, secret) => verifyHmac(secret, request.rawBody, request.header('x-hub-signature'), 'sha256='),
  deliveryId: (request) => request.header('x-atlassian-webhook-identifier'),
  translate,
}
