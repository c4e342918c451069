import * as E from 'fp-ts/lib/Either.js'
import { forbidden, type Worker } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import { notFound, type AppError } from '../errors.js'
import type { Stores } from '../ports/index.js'

export const loadAgent = async (stores: Stores, agentId: number): Promise<E.Either<AppError, Worker>> => {
  const agent = await stores.workers.byId(agentId)
  return agent && agent.type === 'agent' ? E.right(agent) : E.left(notFound(`Agent with ID ${agentId} not found`))
}

/** Changing or deleting an agent is for the human who registered it, or a platform admin. */
export const mayManageAgent = (caller: Caller, agent: Worker): E.Either<AppError, Worker> =>
  caller.platformAdmin || agent.createdById === caller.worker.id
    ? E.right(agent)
    : E.left(forbidden('Only the creator of an agent or a platform admin can change or delete it'))
