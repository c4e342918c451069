import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  addMembership, atLeast, changeRole, checkRemovable, describeDomainError, effectiveRole, isRole, mayCreateTask, mayDeleteProject,
  mayManageMembers, mayManageTokens, mayModifyTask, mayReview, mayUpdateProject, ROLE_RANK, ROLES, type ProjectAccess, type Role,
} from '../../src/domain/index.js'
import { fail, ok } from '../support/either.js'
import { T0, membershipMother, taskMother } from '../support/domain-mothers.js'

const as = (role: Role, workerId: number | null = 7): ProjectAccess => ({ role, workerId })
const allowed = (r: { _tag: string }) => r._tag === 'Right'

test('roles rank viewer 1 < member 2 < admin 3 < owner 4', () => {
  assert.equal(ROLES, ['viewer', 'member', 'admin', 'owner'])
  assert.equal(ROLE_RANK, { viewer: 1, member: 2, admin: 3, owner: 4 })
  assert.ok(atLeast('admin', 'member'))
  assert.not.ok(atLeast('member', 'admin'))
  assert.ok(isRole('owner'))
  assert.not.ok(isRole('root'))
})

test('platform admins act as owner everywhere, members get their role, others nothing', () => {
  assert.is(effectiveRole(undefined, true), 'owner')
  assert.is(effectiveRole(membershipMother({ role: 'viewer' }), true), 'owner')
  assert.is(effectiveRole(membershipMother({ role: 'viewer' }), false), 'viewer')
  assert.is(effectiveRole(undefined, false), undefined)
})

test('members and up create tasks; viewers do not', () => {
  assert.equal(ROLES.map((r) => allowed(mayCreateTask(as(r)))), [false, true, true, true])
  assert.is(describeDomainError(fail(mayCreateTask(as('viewer')), 'Forbidden')), 'Viewers cannot create tasks')
})

test('a member modifies only tasks assigned to them; admin and owner any task', () => {
  const mine = taskMother({ assigneeId: 7 })
  const theirs = taskMother({ assigneeId: 8 })
  const nobody = taskMother({ assigneeId: null })
  assert.ok(allowed(mayModifyTask(as('member'), mine)))
  assert.not.ok(allowed(mayModifyTask(as('member'), theirs)))
  assert.not.ok(allowed(mayModifyTask(as('member'), nobody)))
  assert.not.ok(allowed(mayModifyTask(as('member', null), nobody)))
  assert.not.ok(allowed(mayModifyTask(as('viewer'), mine)))
  for (const r of ['admin', 'owner'] as const) assert.ok(allowed(mayModifyTask(as(r), theirs)))
  assert.is(describeDomainError(fail(mayModifyTask(as('member'), theirs))), 'Members can only modify tasks assigned to them')
  assert.is(describeDomainError(fail(mayModifyTask(as('viewer'), mine))), 'Viewers cannot modify tasks')
})

test('review: admin+ always; a member who is not the assignee; never a viewer', () => {
  const task = taskMother({ status: 'review', assigneeId: 7 })
  assert.not.ok(allowed(mayReview(as('member', 7), task)))
  assert.is(describeDomainError(fail(mayReview(as('member', 7), task))), 'The assignee cannot approve or reject their own task')
  assert.ok(allowed(mayReview(as('member', 8), task)))
  assert.ok(allowed(mayReview(as('admin', 7), task)))
  assert.ok(allowed(mayReview(as('owner', 7), task)))
  assert.not.ok(allowed(mayReview(as('viewer', 8), task)))
  assert.not.ok(allowed(mayReview(as('member', null), task)))
})

test('project and member management, tokens: admin+; delete: owner only', () => {
  assert.equal(ROLES.map((r) => allowed(mayUpdateProject(as(r)))), [false, false, true, true])
  assert.equal(ROLES.map((r) => allowed(mayManageMembers(as(r)))), [false, false, true, true])
  assert.equal(ROLES.map((r) => allowed(mayManageTokens(as(r)))), [false, false, true, true])
  assert.equal(ROLES.map((r) => allowed(mayDeleteProject(as(r)))), [false, false, false, true])
})

test('role changes: only owners touch the owner role; the last owner stays', () => {
  const member = membershipMother({ role: 'member' })
  const owner = membershipMother({ role: 'owner' })
  assert.is(ok(changeRole(as('admin'), member, 'admin', 1)).role, 'admin')
  fail(changeRole(as('admin'), member, 'owner', 1), 'Forbidden')
  fail(changeRole(as('admin'), owner, 'member', 2), 'Forbidden')
  assert.is(ok(changeRole(as('owner'), member, 'owner', 1)).role, 'owner')
  assert.is(ok(changeRole(as('owner'), owner, 'admin', 2)).role, 'admin')
  assert.is(describeDomainError(fail(changeRole(as('owner'), owner, 'admin', 1), 'LastOwner')), 'The last owner of a project cannot be demoted')
  assert.is(ok(changeRole(as('admin'), member, 'member', 1)), member)
})

test('adding members: owner role only granted by owners', () => {
  assert.equal(ok(addMembership(as('admin'), 1, 9, 'viewer', T0)), { projectId: 1, workerId: 9, role: 'viewer', joinedAt: T0 })
  fail(addMembership(as('admin'), 1, 9, 'owner', T0), 'Forbidden')
  assert.is(ok(addMembership(as('owner'), 1, 9, 'owner', T0)).role, 'owner')
})

test('owners cannot be removed', () => {
  assert.is(describeDomainError(fail(checkRemovable(membershipMother({ role: 'owner' })), 'OwnerNotRemovable')), 'The project owner cannot be removed')
  for (const role of ['viewer', 'member', 'admin'] as const) ok(checkRemovable(membershipMother({ role })))
})

test.run()
