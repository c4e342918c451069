// Adding a member: a human by SSO user id (their worker is created if they never logged in) or a
// registered agent by id. A human whose email a task-sync left pending gets those tasks now.
import * as E from 'fp-ts/lib/Either.js'
import {
  addMembership, assign, auditEntry, createHuman, deriveHandle, handleBase, mayManageMembers, taskChanges,
  type AuditActor, type Project, type Role, type Worker,
} from '../../domain/index.js'
import { loadProject } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import { conflict, notFound, type AppError } from '../errors.js'
import type { Stores } from '../ports/index.js'
import { transact } from '../transaction.js'
import type { MemberView } from '../views.js'

export type AddMemberCommand =
  | { readonly userId: string; readonly email?: string | null; readonly name?: string | null; readonly role?: Role }
  | { readonly agentId: number; readonly role?: Role }

const findOrCreateHuman = async (
  stores: Stores,
  command: { userId: string; email?: string | null; name?: string | null },
  now: Date,
): Promise<E.Either<AppError, Worker>> => {
  const known = await stores.workers.byUserId(command.userId)
  if (known) return E.right(known)
  const source = command.email ?? command.userId
  const handle = deriveHandle(source, await stores.workers.handlesStartingWith(handleBase(source)))
  const draft = createHuman(command, handle, now, false)
  return E.isLeft(draft) ? draft : E.right(await stores.workers.insert(draft.right))
}

/** Assigns the tasks a task-sync kept for this email, each change audited. */
export const resolvePendingAssignee = async (
  stores: Stores,
  project: Project,
  worker: Worker,
  actor: AuditActor,
  now: Date,
): Promise<void> => {
  if (worker.email === null) return
  for (const link of await stores.links.waitingForAssignee(project.id, worker.email)) {
    const task = await stores.tasks.byId(link.taskId)
    await stores.links.update({ ...link, pendingAssigneeEmail: null, updatedAt: now })
    if (!task) continue
    const next = assign(task, worker.id, now)
    if (next === task) continue
    await stores.tasks.update(next, task.version)
    await stores.audit.append(
      auditEntry(actor, project.id, 'task', task.id, 'assigned', { ...taskChanges(task, next), reason: 'pending sync assignee joined the project' }, now),
    )
  }
}

export const addMember = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  (caller: Caller, projectId: number, command: AddMemberCommand): Promise<E.Either<AppError, MemberView>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId, mayManageMembers)
      if (E.isLeft(context)) return context
      const { project, access } = context.right
      const now = deps.clock.now()
      let worker: Worker
      if ('agentId' in command) {
        const agent = await stores.workers.byId(command.agentId)
        if (!agent || agent.type !== 'agent') return E.left(notFound(`Agent with ID ${command.agentId} not found`))
        worker = agent
      } else {
        const human = await findOrCreateHuman(stores, command, now)
        if (E.isLeft(human)) return human
        worker = human.right
      }
      if (await stores.members.find(project.id, worker.id)) return E.left(conflict(`${worker.handle} is already a member of project ${project.slug}`))
      const membership = addMembership(access, project.id, worker.id, command.role ?? 'member', now)
      if (E.isLeft(membership)) return membership
      await stores.members.insert(membership.right)
      await stores.audit.append(
        auditEntry(actorOf(caller), project.id, 'member', worker.id, 'member_added', { after: { worker_id: worker.id, handle: worker.handle, role: membership.right.role } }, now),
      )
      await resolvePendingAssignee(stores, project, worker, actorOf(caller), now)
      return E.right({ worker, role: membership.right.role, joinedAt: now })
    })
