import * as E from 'fp-ts/lib/Either.js'
import { assign, auditEntry, checkRemovable, mayManageMembers, taskChanges } from '../../domain/index.js'
import { loadProject } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { transact } from '../transaction.js'
import { memberNotFound } from './change-member-role.js'

/** Admin+; the owner cannot be removed; the member's tasks in the project become unassigned, each audited. */
export const removeMember = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, projectId: number, workerId: number): Promise<E.Either<AppError, void>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId, mayManageMembers)
      if (E.isLeft(context)) return context
      const { project } = context.right
      const membership = await stores.members.find(project.id, workerId)
      if (!membership) return E.left(memberNotFound(workerId))
      const removable = checkRemovable(membership)
      if (E.isLeft(removable)) return removable
      const now = deps.clock.now()
      const actor = actorOf(caller)
      for (const task of await stores.tasks.assignedTo(workerId, project.id)) {
        const next = assign(task, null, now)
        await stores.tasks.update(next, task.version)
        await stores.audit.append(auditEntry(actor, project.id, 'task', task.id, 'unassigned', { ...taskChanges(task, next), reason: 'member removed from the project' }, now))
      }
      await stores.members.delete(project.id, workerId)
      await stores.audit.append(auditEntry(actor, project.id, 'member', workerId, 'member_removed', { before: { worker_id: workerId, role: membership.role } }, now))
      return E.right(undefined)
    })
