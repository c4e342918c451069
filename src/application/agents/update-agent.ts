import * as E from 'fp-ts/lib/Either.js'
import { auditEntry, recordChanges, updateAgent as applyPatch, type AgentPatch, type Worker } from '../../domain/index.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { transact } from '../transaction.js'
import { loadAgent, mayManageAgent } from './agent-access.js'

const fields = (a: Worker) => ({ name: a.name, agent_type: a.agentType, capabilities: [...a.capabilities] })

export const updateAgent = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, agentId: number, patch: AgentPatch): Promise<E.Either<AppError, Worker>> =>
    transact(deps.uow, async (stores) => {
      const agent = await loadAgent(stores, agentId)
      if (E.isLeft(agent)) return agent
      const allowed = mayManageAgent(caller, agent.right)
      if (E.isLeft(allowed)) return allowed
      const now = deps.clock.now()
      const next = applyPatch(agent.right, patch, now)
      if (E.isLeft(next)) return next
      if (next.right !== agent.right) {
        await stores.workers.update(next.right)
        await stores.audit.append(auditEntry(actorOf(caller), null, 'agent', agentId, 'updated', recordChanges(fields(agent.right), fields(next.right)), now))
      }
      return E.right(next.right)
    })
