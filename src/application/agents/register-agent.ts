import * as E from 'fp-ts/lib/Either.js'
import { auditEntry, createAgent, forbidden, type AgentInput } from '../../domain/index.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import { conflict, type AppError } from '../errors.js'
import { transact } from '../transaction.js'
import type { Worker } from '../../domain/index.js'

/** Humans register agents; the handle is unique across humans and agents. */
export const registerAgent = (deps: Pick<Deps, 'uow' | 'clock'>) => (caller: Caller, input: AgentInput): Promise<E.Either<AppError, Worker>> =>
  transact(deps.uow, async (stores) => {
    if (caller.worker.type !== 'human') return E.left(forbidden('Only humans can register agents'))
    const now = deps.clock.now()
    const draft = createAgent(input, caller.worker.id, now)
    if (E.isLeft(draft)) return draft
    if (await stores.workers.byHandle(draft.right.handle)) return E.left(conflict(`Handle ${draft.right.handle} is already taken`))
    const agent = await stores.workers.insert(draft.right)
    await stores.audit.append(
      auditEntry(actorOf(caller), null, 'agent', agent.id, 'created', {
        after: { handle: agent.handle, name: agent.name, agent_type: agent.agentType, capabilities: [...agent.capabilities] },
      }, now),
    )
    return E.right(agent)
  })
