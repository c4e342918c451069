// Linear's `Issue` webhook events (Linear-Signature, webhookTimestamp within 60 s, Linear-Delivery) as pushes.
// Issues are matched by Linear's issue id, which is also what `parentId` holds.
import { emailOfExternalUser, type Integration } from '../../../domain/index.js'
import type { InboundEvent, WebhookRequest, WebhookVendor } from '../../../application/index.js'
import { date, field, str, verifyHmac } from '../signature.js'

export const LINEAR_MAX_AGE_MS = 60_000

const has = (value: unknown, key: string): boolean => typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, key)

/**
 * Linear's `Issue` events as a push (the SDK's `EntityWebhookPayloadWithIssueData`). Linear leaves a cleared
 * optional field out of `data` and names it in `updatedFrom`: such a field is cleared (null); a field that is in
 * neither is left as it is.
 */
const translate = (request: WebhookRequest, integration: Integration): InboundEvent => {
  const body = request.body
  const type = str(field(body, 'type'))
  const action = str(field(body, 'action'))
  if (type !== 'Issue') return { kind: 'ignored', reason: `${type ?? 'unknown'} events carry no task change` }
  if (action === 'remove') return { kind: 'ignored', reason: 'issue removed in Linear: taskport keeps the task' }
  const data = field(body, 'data')
  const id = str(field(data, 'id'))
  if (!id) return { kind: 'ignored', reason: 'issue without an id' }
  const updatedFrom = field(body, 'updatedFrom')
  /** The current value: in `data`; null when only `updatedFrom` names it; undefined when neither does. */
  const current = (key: string): unknown => (has(data, key) ? field(data, key) : has(updatedFrom, key) ? null : undefined)
  const warnings: string[] = []
  let assignment: { assigneeEmail?: string | null } = {}
  const assignee = current('assignee')
  const assigneeId = current('assigneeId')
  if (assignee !== undefined || assigneeId !== undefined) {
    const externalId = str(assigneeId) ?? str(field(assignee, 'id'))
    const email = str(field(assignee, 'email')) || (externalId ? emailOfExternalUser(integration, externalId) : undefined)
    if (!externalId && (assignee ?? null) === null) assignment = { assigneeEmail: null }
    else if (email) assignment = { assigneeEmail: email }
    else warnings.push(`Linear assignee ${str(field(assignee, 'name')) ?? externalId} has no email address and no entry in assignee_mapping; the assignee is left as it is`)
  }
  const title = str(field(data, 'title'))
  const description = current('description')
  const labels = field(data, 'labels')
  if (!Array.isArray(labels) && Array.isArray(field(data, 'labelIds'))) warnings.push('labels came as ids only; tags left as they are')
  const estimate = current('estimate')
  const url = str(field(data, 'url'))
  const updatedAt = date(field(data, 'updatedAt'))
  const parent = current('parentId')
  const status = str(field(data, 'state', 'type'))
  return {
    kind: 'sync',
    payload: {
      source: 'linear',
      externalId: id,
      ...(title?.trim() ? { name: title } : {}),
      ...(typeof description === 'string' || description === null ? { description } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(Array.isArray(labels) ? { labels: labels.map((l) => str(field(l, 'name')) ?? '').filter(Boolean) } : {}),
      ...(typeof estimate === 'number' || estimate === null ? { storyPoints: estimate } : {}),
      ...(url ? { externalUrl: url } : {}),
      ...assignment,
      ...(parent === null ? { parentExternalId: null } : typeof parent === 'string' ? { parentExternalId: parent } : {}),
      ...(updatedAt ? { updatedAt } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    },
  }
}

export const linearWebhook: WebhookVendor = {
  verify: (request, secret, now) => {
    if (!verifyHmac(secret, request.rawBody, request.header('linear-signature'))) return false
    const sent = Number(field(request.body, 'webhookTimestamp'))
    return Number.isFinite(sent) && Math.abs(now.getTime() - sent) <= LINEAR_MAX_AGE_MS
  },
  deliveryId: (request) => request.header('linear-delivery'),
  translate,
}
