// POST /api/projects/{pid}/task-sync: a push authenticated by a project API token.
import * as E from 'fp-ts/lib/Either.js'
import type { Deps } from '../deps.js'
import { unauthorized, type AppError } from '../errors.js'
import { authenticateApiToken } from '../tokens/authenticate-api-token.js'
import { applySync, type SyncPayload, type SyncResult } from './apply-sync.js'
import { runWithRaceRetries } from './race-retry.js'

export interface SyncTaskCommand {
  readonly projectId: number
  /** The bearer token as sent (undefined when the header is missing). */
  readonly rawToken: string | undefined
  readonly payload: SyncPayload
}

export const syncTask = (deps: Pick<Deps, 'uow' | 'clock' | 'secrets'>) =>
  (command: SyncTaskCommand): Promise<E.Either<AppError, SyncResult>> =>
    runWithRaceRetries(deps.uow, async (stores) => {
      const now = deps.clock.now()
      const token = await authenticateApiToken(deps, stores, command.projectId, command.rawToken, now)
      if (E.isLeft(token)) return token
      const project = await stores.projects.byId(command.projectId)
      if (!project) return E.left(unauthorized('Invalid or revoked API token'))
      return applySync(stores, { project, actor: { type: 'api_token', id: token.right.id }, statusMap: token.right.statusMap, now }, command.payload)
    })
