import * as E from 'fp-ts/lib/Either.js'
import { auditEntry, changeRole, mayManageMembers, type Role } from '../../domain/index.js'
import { loadProject } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import { notFound, type AppError } from '../errors.js'
import { transact } from '../transaction.js'
import type { MemberView } from '../views.js'

export const memberNotFound = (workerId: number): AppError => notFound(`Member with ID ${workerId} not found in this project`)

/**
 * Admin+; only owners grant or take away `owner`; the last owner cannot be demoted. When the recorded owner
 * is demoted, ownership moves to another owner.
 */
export const changeMemberRole = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, projectId: number, workerId: number, role: Role): Promise<E.Either<AppError, MemberView>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId, mayManageMembers)
      if (E.isLeft(context)) return context
      const { project, access } = context.right
      const membership = await stores.members.find(project.id, workerId)
      const worker = await stores.workers.byId(workerId)
      if (!membership || !worker) return E.left(memberNotFound(workerId))
      const owners = await stores.members.owners(project.id)
      const next = changeRole(access, membership, role, owners.length)
      if (E.isLeft(next)) return next
      if (next.right !== membership) {
        const now = deps.clock.now()
        await stores.members.update(next.right)
        if (project.ownerId === workerId && role !== 'owner') {
          const heir = owners.find((m) => m.workerId !== workerId)
          if (heir) await stores.projects.update({ ...project, ownerId: heir.workerId, updatedAt: now })
        }
        await stores.audit.append(
          auditEntry(actorOf(caller), project.id, 'member', workerId, 'role_changed', { before: { role: membership.role }, after: { role } }, now),
        )
      }
      return E.right({ worker, role: next.right.role, joinedAt: next.right.joinedAt })
    })
