import type * as E from 'fp-ts/lib/Either.js'
import * as Ei from 'fp-ts/lib/Either.js'
import type { WebhookEndpoint } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { fetchCreatedPage, type Page, type PageRequest } from '../pagination.js'
import { readOnly } from '../transaction.js'
import { loadEndpoint, loadWebhookProject } from './webhook-access.js'

/** Admin+, in creation order. The entities carry the sealed secret; no adapter encodes it. */
export const listWebhooks = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, projectId: number, request: PageRequest): Promise<E.Either<AppError, Page<WebhookEndpoint>>> =>
    readOnly(deps.uow, async (stores) => {
      const context = await loadWebhookProject(stores, caller, projectId)
      if (Ei.isLeft(context)) return context
      return fetchCreatedPage(request, (query) => stores.webhooks.endpoints(projectId, query))
    })

export const getWebhook = (deps: Pick<Deps, 'uow'>) =>
  (caller: Caller, projectId: number, endpointId: string): Promise<E.Either<AppError, WebhookEndpoint>> =>
    readOnly(deps.uow, async (stores) => Ei.map((c: { endpoint: WebhookEndpoint }) => c.endpoint)(await loadEndpoint(stores, caller, projectId, endpointId)))
