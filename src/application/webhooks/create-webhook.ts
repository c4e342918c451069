import * as E from 'fp-ts/lib/Either.js'
import {
  auditEntry, checkWebhookDescription, checkWebhookUrl, collect, DEFAULT_EVENT_FILTER, invalidField, validateEventFilter, type WebhookEndpoint,
} from '../../domain/index.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import { unavailable, type AppError } from '../errors.js'
import { NO_CIPHER } from '../integrations/create-integration.js'
import { readOnly, transact } from '../transaction.js'
import { endpointFields, loadWebhookProject } from './webhook-access.js'

export interface CreateWebhookCommand {
  readonly url: string
  readonly events?: readonly string[]
  readonly description?: string | null
  readonly isActive?: boolean
}

export interface CreatedWebhook {
  readonly endpoint: WebhookEndpoint
  /** `whsec_…`: returned here once, stored sealed. */
  readonly secret: string
}

export const NO_URL_GUARD = 'Outgoing webhooks are not available: the server checks no webhook URLs (no UrlGuard configured)'

/** The URL's syntax, then where its host points (the UrlGuard); the first refusal is a 400 on `url`. */
export const checkEndpointUrl = async (deps: Pick<Deps, 'urlGuard'>, url: string): Promise<E.Either<AppError, void>> => {
  const syntax = collect(undefined, checkWebhookUrl(url))
  if (E.isLeft(syntax)) return syntax
  if (!deps.urlGuard) return E.left(unavailable(NO_URL_GUARD))
  const refusal = await deps.urlGuard.refusal(url)
  return refusal === undefined ? E.right(undefined) : E.left(invalidField('url', refusal))
}

/** Admin+. The secret is generated here, sealed with the credential cipher, and shown once; the audit has no secret. */
export const createWebhook = (deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'secrets' | 'cipher' | 'urlGuard'>) =>
  async (caller: Caller, projectId: number, command: CreateWebhookCommand): Promise<E.Either<AppError, CreatedWebhook>> => {
    // Who may ask is settled before the URL is looked at (no probing of hosts by non-admins), and the host is
    // resolved outside the transaction (a slow DNS answer must not hold a database connection).
    const allowed = await readOnly(deps.uow, (stores) => loadWebhookProject(stores, caller, projectId))
    if (E.isLeft(allowed)) return allowed
    if (!deps.cipher) return E.left(unavailable(NO_CIPHER))
    const cipher = deps.cipher
    const events = validateEventFilter(command.events ?? DEFAULT_EVENT_FILTER)
    const fields = collect(null, checkWebhookDescription(command.description ?? null), checkWebhookUrl(command.url))
    if (E.isLeft(fields) || E.isLeft(events)) {
      const issues = [fields, events].flatMap((r) => (E.isLeft(r) && r.left._tag === 'ValidationFailed' ? r.left.issues : []))
      return collect(null, issues) as E.Either<AppError, never>
    }
    const url = await checkEndpointUrl(deps, command.url)
    if (E.isLeft(url)) return url
    return transact(deps.uow, async (stores) => {
      const context = await loadWebhookProject(stores, caller, projectId)
      if (E.isLeft(context)) return context
      const now = deps.clock.now()
      const secret = deps.secrets.webhookSecret()
      const endpoint: WebhookEndpoint = {
        id: deps.ids.uuid(), projectId, url: command.url, events: events.right, description: command.description ?? null,
        isActive: command.isActive ?? true, disabledReason: null, secretSealed: cipher.seal(secret), createdById: caller.worker.id,
        createdAt: now, updatedAt: now, failingSince: null, lastSuccessAt: null,
      }
      await stores.webhooks.insertEndpoint(endpoint)
      await stores.audit.append(auditEntry(actorOf(caller), projectId, 'webhook', endpoint.id, 'webhook_created', { after: endpointFields(endpoint) }, now))
      return E.right({ endpoint, secret })
    })
  }
