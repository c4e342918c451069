import * as E from 'fp-ts/lib/Either.js'
import {
  auditEntry, checkWebhookDescription, checkWebhookUrl, collect, hasChanges, recordChanges, validateEventFilter, type WebhookEndpoint,
} from '../../domain/index.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { readOnly, transact } from '../transaction.js'
import { checkEndpointUrl } from './create-webhook.js'
import { endpointFields, loadEndpoint } from './webhook-access.js'

export interface UpdateWebhookCommand {
  readonly url?: string
  readonly events?: readonly string[]
  readonly description?: string | null
  readonly isActive?: boolean
}

/**
 * Admin+. Re-activating (`is_active: true` on an inactive endpoint) clears the failure state: `disabled_reason`,
 * and the 5-day clock. A new URL is checked like a new endpoint's. A change that changes nothing writes nothing.
 */
export const updateWebhook = (deps: Pick<Deps, 'uow' | 'clock' | 'urlGuard'>) =>
  async (caller: Caller, projectId: number, endpointId: string, command: UpdateWebhookCommand): Promise<E.Either<AppError, WebhookEndpoint>> => {
    const allowed = await readOnly(deps.uow, (stores) => loadEndpoint(stores, caller, projectId, endpointId))
    if (E.isLeft(allowed)) return allowed
    const events = command.events === undefined ? E.right(undefined) : validateEventFilter(command.events)
    const fields = collect(null, command.description === undefined ? [] : checkWebhookDescription(command.description), command.url === undefined ? [] : checkWebhookUrl(command.url))
    if (E.isLeft(fields) || E.isLeft(events)) {
      const issues = [fields, events].flatMap((r) => (E.isLeft(r) && r.left._tag === 'ValidationFailed' ? r.left.issues : []))
      return collect(null, issues) as E.Either<AppError, never>
    }
    if (command.url !== undefined && command.url !== allowed.right.endpoint.url) {
      const url = await checkEndpointUrl(deps, command.url)
      if (E.isLeft(url)) return url
    }
    return transact(deps.uow, async (stores) => {
      const loaded = await loadEndpoint(stores, caller, projectId, endpointId)
      if (E.isLeft(loaded)) return loaded
      const before = loaded.right.endpoint
      const reactivated = command.isActive === true && !before.isActive
      const next: WebhookEndpoint = {
        ...before,
        url: command.url ?? before.url,
        events: events.right ?? before.events,
        description: command.description === undefined ? before.description : command.description,
        isActive: command.isActive ?? before.isActive,
        ...(reactivated ? { disabledReason: null, failingSince: null } : {}),
      }
      const changes = recordChanges(endpointFields(before), endpointFields(next))
      if (!hasChanges(changes)) return E.right(before)
      const now = deps.clock.now()
      const stored = { ...next, updatedAt: now }
      await stores.webhooks.updateEndpoint(stored)
      await stores.audit.append(auditEntry(actorOf(caller), projectId, 'webhook', before.id, 'webhook_updated', changes, now))
      return E.right(stored)
    })
  }
