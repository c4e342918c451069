// Pushes of the same item race: the loser of a unique insert (the link, a webhook delivery) or of a version
// check rolls back and runs again, and then sees the winner's result. A duplicate is never a conflict.
import type * as E from 'fp-ts/lib/Either.js'
import type { AppError } from '../errors.js'
import { ConcurrentUpdate, UniqueViolation, type Stores, type UnitOfWork } from '../ports/index.js'
import { storeFailure } from '../transaction.js'

const RACE_RETRIES = 5
const RACE_CONSTRAINTS = new Set(['external_link', 'webhook_delivery'])

export const runWithRaceRetries = async <A>(uow: UnitOfWork, work: (stores: Stores) => Promise<E.Either<AppError, A>>): Promise<E.Either<AppError, A>> => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await uow.run(work)
    } catch (error) {
      const lostRace = (error instanceof UniqueViolation && RACE_CONSTRAINTS.has(error.constraint)) || error instanceof ConcurrentUpdate
      if (!lostRace || attempt >= RACE_RETRIES) return storeFailure(error)
    }
  }
}
