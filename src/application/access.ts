// Loading what a caller asks for, with the visibility rule: a project (and everything in it) that the caller
// is not a member of does not exist for them (404, never 403).
import * as E from 'fp-ts/lib/Either.js'
import { effectiveRole, type DomainError, type Project, type ProjectAccess, type Task } from '../domain/index.js'
import type { Caller } from './caller.js'
import { projectNotFound, taskNotFound, type AppError } from './errors.js'
import type { Stores } from './ports/index.js'

export interface ProjectContext {
  readonly project: Project
  readonly access: ProjectAccess
}

export interface TaskContext extends ProjectContext {
  readonly task: Task
}

/** A rule on the caller's access (`mayManageMembers`, …), checked once visibility is settled. */
export type Permission = (access: ProjectAccess) => E.Either<DomainError, void>

export const loadProject = async (
  stores: Stores,
  caller: Caller,
  projectId: number,
  permission?: Permission,
): Promise<E.Either<AppError, ProjectContext>> => {
  const found = await stores.projects.byIdWithMembership(projectId, caller.worker.id)
  if (!found) return E.left(projectNotFound(projectId))
  const { project, membership } = found
  const role = effectiveRole(membership, caller.platformAdmin)
  if (!role) return E.left(projectNotFound(projectId))
  const access: ProjectAccess = { role, workerId: caller.worker.id }
  const allowed = permission?.(access) ?? E.right(undefined)
  return E.isLeft(allowed) ? allowed : E.right({ project, access })
}

/** A rule on the caller's access to one task (`mayModifyTask`, `mayReview`). */
export type TaskPermission = (access: ProjectAccess, task: Task) => E.Either<DomainError, void>

export const loadTask = async (
  stores: Stores,
  caller: Caller,
  taskId: number,
  permission?: TaskPermission,
): Promise<E.Either<AppError, TaskContext>> => {
  const task = await stores.tasks.byId(taskId)
  if (!task) return E.left(taskNotFound(taskId))
  const context = await loadProject(stores, caller, task.projectId)
  if (E.isLeft(context)) return E.left(taskNotFound(taskId))
  const allowed = permission?.(context.right.access, task) ?? E.right(undefined)
  return E.isLeft(allowed) ? allowed : E.right({ ...context.right, task })
}
