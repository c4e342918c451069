// Membership and roles: viewer < member < admin < owner, and who may do what in a project.
import * as E from 'fp-ts/lib/Either.js'
import { forbidden, type DomainError } from './errors.js'
import type { ProjectId, WorkerId } from './ids.js'

export const ROLES = ['viewer', 'member', 'admin', 'owner'] as const
export type Role = (typeof ROLES)[number]

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value)

export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 1, member: 2, admin: 3, owner: 4 }

export const atLeast = (role: Role, minimum: Role): boolean => ROLE_RANK[role] >= ROLE_RANK[minimum]

export interface Membership {
  readonly projectId: ProjectId
  readonly workerId: WorkerId
  readonly role: Role
  readonly joinedAt: Date
}

/**
 * What the caller may do in one project: their effective role (platform admins act as owner) and,
 * for workers, their id (API tokens have none).
 */
export interface ProjectAccess {
  readonly role: Role
  readonly workerId: WorkerId | null
}

export const effectiveRole = (membership: Membership | undefined, isPlatformAdmin: boolean): Role | undefined =>
  isPlatformAdmin ? 'owner' : membership?.role

/** What the permission rules read of a task: who created it and who it is assigned to. */
export interface Assignable {
  readonly assigneeId: WorkerId | null
}

const allow = (allowed: boolean, reason: string): E.Either<DomainError, void> =>
  allowed ? E.right(undefined) : E.left(forbidden(reason))

export const mayCreateTask = (access: ProjectAccess) =>
  allow(atLeast(access.role, 'member'), 'Viewers cannot create tasks')

/** Admins and owners modify any task; a member only the tasks assigned to them. */
export const mayModifyTask = (access: ProjectAccess, task: Assignable) =>
  allow(
    atLeast(access.role, 'admin') ||
      (access.role === 'member' && access.workerId !== null && task.assigneeId === access.workerId),
    access.role === 'viewer' ? 'Viewers cannot modify tasks' : 'Members can only modify tasks assigned to them',
  )

/** Approve/reject: admin+, or a member who is not the task's assignee. */
export const mayReview = (access: ProjectAccess, task: Assignable) => {
  if (atLeast(access.role, 'admin')) return allow(true, '')
  if (access.role === 'viewer') return allow(false, 'Viewers cannot review tasks')
  return allow(
    access.workerId !== null && task.assigneeId !== access.workerId,
    'The assignee cannot approve or reject their own task',
  )
}

export const mayUpdateProject = (access: ProjectAccess) =>
  allow(atLeast(access.role, 'admin'), 'Only admins and owners can update the project')

export const mayDeleteProject = (access: ProjectAccess) =>
  allow(access.role === 'owner', 'Only the owner can delete the project')

export const mayManageMembers = (access: ProjectAccess) =>
  allow(atLeast(access.role, 'admin'), 'Only admins and owners can manage members')

export const mayManageTokens = (access: ProjectAccess) =>
  allow(atLeast(access.role, 'admin'), 'Only admins and owners can manage API tokens')

/**
 * Role changes: granting or taking away `owner` is for owners only, and a project keeps at least one owner.
 * `ownerCount` is the number of owners the project has now.
 */
export const changeRole = (
  access: ProjectAccess,
  membership: Membership,
  role: Role,
  ownerCount: number,
): E.Either<DomainError, Membership> => {
  const touchesOwner = role === 'owner' || membership.role === 'owner'
  if (touchesOwner && access.role !== 'owner') return E.left(forbidden('Only an owner can grant or take away the owner role'))
  if (membership.role === 'owner' && role !== 'owner' && ownerCount <= 1) return E.left({ _tag: 'LastOwner' })
  return E.right(role === membership.role ? membership : { ...membership, role })
}

export const addMembership = (
  access: ProjectAccess,
  projectId: ProjectId,
  workerId: WorkerId,
  role: Role,
  now: Date,
): E.Either<DomainError, Membership> =>
  role === 'owner' && access.role !== 'owner'
    ? E.left(forbidden('Only an owner can grant the owner role'))
    : E.right({ projectId, workerId, role, joinedAt: now })

export const checkRemovable = (membership: Membership): E.Either<DomainError, Membership> =>
  membership.role === 'owner' ? E.left({ _tag: 'OwnerNotRemovable' }) : E.right(membership)
