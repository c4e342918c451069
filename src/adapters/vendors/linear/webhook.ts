// Linear's `Issue` webhook events (Linear-Signature, webhookTimestamp within 60 s, Linear-Delivery) as pushes.
// Issues are matched by Linear's issue id, which is also what `parentId` holds.
import { emailOfExternalUser, type Integration } from '../../../domain/index.js'
import type { InboundEvent, WebhookRequest, WebhookVendor } from '../../../application/index.js'
import { date, field, str, verifyHmac } from '../signature.js'

export const LINEAR_MAX_AGE_MS = 60_000

const translate = (request: WebhookRequest, integration: Integration): InboundEvent => {
  const body = request.body
  const type = str(field(body, 'type'))
  const action = str(field(body, 'action'))
  if (type !== 'Issue') return { kind: 'ignored', reason: `${type ?? 'unknown'} events carry no task change` }
  if (action === 'remove') return { kind: 'ignored', reason: 'issue removed in Linear: taskport keeps the task' }
  const data = field(body, 'data')
  const id = str(field(data, 'id'))
  if (!id) return { kind: 'ignored', reason: 'issue without an id' }
  const email = str(field(data, 'assignee', 'email')) ?? (() => {
    const assigneeId = str(field(data, 'assigneeId')) ?? str(field(data, 'assignee', 'id'))
    return assigneeId ? emailOfExternalUser(integration, assigneeId) : undefined
  })()
  const hasAssignee = field(data, 'assigneeId') !== undefined || field(data, 'assignee') !== undefined
  const unassigned = hasAssignee && (field(data, 'assigneeId') ?? field(data, 'assignee')) === null
  const labels = field(data, 'labels')
  const estimate = field(data, 'estimate')
  const updatedAt = date(field(data, 'updatedAt'))
  const parent = field(data, 'parentId')
  return {
    kind: 'sync',
    payload: {
      source: 'linear',
      externalId: id,
      name: str(field(data, 'title')) ?? id,
      description: str(field(data, 'description')) ?? null,
      status: str(field(data, 'state', 'type')) ?? null,
      labels: Array.isArray(labels) ? labels.map((l) => str(field(l, 'name')) ?? '').filter(Boolean) : [],
      storyPoints: typeof estimate === 'number' ? estimate : null,
      externalUrl: str(field(data, 'url')) ?? null,
      ...(unassigned ? { assigneeEmail: null } : email ? { assigneeEmail: email } : {}),
      ...(parent === null ? { parentExternalId: null } : typeof parent === 'string' ? { parentExternalId: parent } : {}),
      ...(updatedAt ? { updatedAt } : {}),
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
