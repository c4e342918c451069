import * as E from 'fp-ts/lib/Either.js'
import { assign, auditEntry, taskChanges } from '../../domain/index.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { transact } from '../transaction.js'
import { loadAgent, mayManageAgent } from './agent-access.js'

/** Unassigns the agent's tasks in every project (each audited), then removes it and its memberships. */
export const deleteAgent = (deps: Pick<Deps, 'uow' | 'clock'>) => (caller: Caller, agentId: number): Promise<E.Either<AppError, void>> =>
  transact(deps.uow, async (stores) => {
    const agent = await loadAgent(stores, agentId)
    if (E.isLeft(agent)) return agent
    const allowed = mayManageAgent(caller, agent.right)
    if (E.isLeft(allowed)) return allowed
    const now = deps.clock.now()
    const actor = actorOf(caller)
    for (const task of await stores.tasks.assignedTo(agentId)) {
      const next = assign(task, null, now)
      await stores.tasks.update(next, task.version)
      await stores.audit.append(auditEntry(actor, task.projectId, 'task', task.id, 'unassigned', { ...taskChanges(task, next), reason: 'agent deleted' }, now))
    }
    await stores.workers.delete(agentId)
    await stores.audit.append(auditEntry(actor, null, 'agent', agentId, 'deleted', { before: { handle: agent.right.handle, name: agent.right.name } }, now))
    return E.right(undefined)
  })
