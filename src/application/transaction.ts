// Runs a use case body in the unit of work and turns the stores' write-time failures into conflicts.
import * as E from 'fp-ts/lib/Either.js'
import { conflict, type AppError } from './errors.js'
import { ConcurrentUpdate, UniqueViolation, type Stores, type UnitOfWork } from './ports/index.js'

const UNIQUE_MESSAGES: Readonly<Record<string, string>> = {
  project_slug: 'A project with this slug already exists',
  project_key: 'A project with this key already exists',
  worker_handle: 'This handle is already taken',
  worker_user_id: 'A worker with this user id already exists',
  membership: 'This worker is already a member of the project',
  external_link: 'This external item is already linked',
  api_token_hash: 'Token collision, try again',
}

/** A store's write-time failure as a conflict; anything else is rethrown (a bug or an infrastructure failure). */
export const storeFailure = (error: unknown): E.Either<AppError, never> => {
  if (error instanceof UniqueViolation) return E.left(conflict(UNIQUE_MESSAGES[error.constraint] ?? error.message))
  if (error instanceof ConcurrentUpdate) return E.left(conflict(`${error.message}; reload and retry`))
  throw error
}

type Work<A> = (stores: Stores) => Promise<E.Either<AppError, A>>

const guarded = async <A>(running: () => Promise<E.Either<AppError, A>>): Promise<E.Either<AppError, A>> => {
  try {
    return await running()
  } catch (error) {
    return storeFailure(error)
  }
}

export const transact = <A>(uow: UnitOfWork, work: Work<A>): Promise<E.Either<AppError, A>> => guarded(() => uow.run(work))

/** A use case that only reads: no transaction where the unit of work can do without one. */
export const readOnly = <A>(uow: UnitOfWork, work: Work<A>): Promise<E.Either<AppError, A>> =>
  guarded(() => (uow.read ? uow.read(work) : uow.run(work)))
