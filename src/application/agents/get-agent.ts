import type * as E from 'fp-ts/lib/Either.js'
import type { Worker } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { readOnly } from '../transaction.js'
import { loadAgent } from './agent-access.js'

export const getAgent = (deps: Pick<Deps, 'uow'>) => (_caller: Caller, agentId: number): Promise<E.Either<AppError, Worker>> =>
  readOnly(deps.uow, (stores) => loadAgent(stores, agentId))
