// POST /api/projects/{pid}/task-sync: a push authenticated by a project API token.
import * as E from 'fp-ts/lib/Either.js'
import type { Deps } from '../deps.js'
import { unauthorized, type AppError } from '../errors.js'
import { ConcurrentUpdate, UniqueViolation } from '../ports/index.js'
import { authenticateApiToken } from '../tokens/authenticate-api-token.js'
import { storeFailure } from '../transaction.js'
import { applySync, type SyncPayload, type SyncResult } from './apply-sync.js'

export interface SyncTaskCommand {
  readonly projectId: number
  /** The bearer token as sent (undefined when the header is missing). */
  readonly rawToken: string | undefined
  readonly payload: SyncPayload
}

/** How often a push that lost a race to a concurrent push of the same item is run again. */
const RACE_RETRIES = 5

export const syncTask = (deps: Pick<Deps, 'uow' | 'clock' | 'secrets'>) =>
  async (command: SyncTaskCommand): Promise<E.Either<AppError, SyncResult>> => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await deps.uow.run(async (stores) => {
          const now = deps.clock.now()
          const token = await authenticateApiToken(deps, stores, command.projectId, command.rawToken, now)
          if (E.isLeft(token)) return token
          const project = await stores.projects.byId(command.projectId)
          if (!project) return E.left(unauthorized('Invalid or revoked API token'))
          return applySync(stores, { project, actor: { type: 'api_token', id: token.right.id }, statusMap: token.right.statusMap, now }, command.payload)
        })
      } catch (error) {
        // A concurrent push of the same item created the link or changed the task first: run again, and this
        // time see its result (a duplicate is never a conflict for the sender).
        const lostRace = (error instanceof UniqueViolation && error.constraint === 'external_link') || error instanceof ConcurrentUpdate
        if (!lostRace || attempt >= RACE_RETRIES) return storeFailure(error)
      }
    }
  }
