// What every webhook use case starts with: the project, admin+ (a member gets 403, a non-member 404), and the
// endpoint when one is named (an endpoint of another project does not exist here).
import * as E from 'fp-ts/lib/Either.js'
import { mayManageTokens, type WebhookEndpoint } from '../../domain/index.js'
import { loadProject, type ProjectContext } from '../access.js'
import type { Caller } from '../caller.js'
import { notFound, type AppError } from '../errors.js'
import type { Stores } from '../ports/index.js'

export const loadWebhookProject = (stores: Stores, caller: Caller, projectId: number): Promise<E.Either<AppError, ProjectContext>> =>
  loadProject(stores, caller, projectId, mayManageTokens)

export const webhookNotFound = (id: string): AppError => notFound(`Webhook ${id} not found`)

export const loadEndpoint = async (stores: Stores, caller: Caller, projectId: number, endpointId: string): Promise<E.Either<AppError, ProjectContext & { readonly endpoint: WebhookEndpoint }>> => {
  const context = await loadWebhookProject(stores, caller, projectId)
  if (E.isLeft(context)) return context
  const endpoint = await stores.webhooks.endpoint(endpointId)
  if (!endpoint || endpoint.projectId !== projectId) return E.left(webhookNotFound(endpointId))
  return E.right({ ...context.right, endpoint })
}

/** The endpoint's fields as audit details (never the secret). */
export const endpointFields = (e: WebhookEndpoint) => ({
  url: e.url, events: [...e.events], description: e.description, is_active: e.isActive, disabled_reason: e.disabledReason,
})
