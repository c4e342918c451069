import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { describeDomainError, type DomainError } from '../../src/domain/errors.js'
import {
  addMembership, atLeast, changeRole, checkRemovable, effectiveRole, isRole, mayCreateTask, mayDeleteProject, mayManageMembers,
  mayManageTokens, mayModifyTask, mayReview, mayUpdateProject, ROLE_RANK, ROLES, type ProjectAccess,
} from '../../src/domain/membership.js'
import { fail, ok } from '../support/either.js'
import { T0, T1, aMembership, aTask, anAccess } from '../support/builders.js'

const allowed = (result: E.Either<DomainError, unknown>): boolean => E.isRight(result)
const reason = (result: E.Either<DomainError, unknown>): string => describeDomainError(fail(result, 'Forbidden'))
const byRole = (check: (access: ProjectAccess) => E.Either<DomainError, unknown>): boolean[] => ROLES.map((r) => allowed(check(anAccess(r))))

test('roles rank viewer 1 < member 2 < admin 3 < owner 4', () => {
  assert.equal([...ROLES], ['viewer', 'member', 'admin', 'owner'])
  assert.equal(ROLE_RANK, { viewer: 1, member: 2, admin: 3, owner: 4 })
  for (const [i, role] of ROLES.entries()) {
    for (const [j, minimum] of ROLES.entries()) assert.is(atLeast(role, minimum), i >= j, `${role} >= ${minimum}`)
  }
  for (const r of ROLES) assert.ok(isRole(r))
  for (const bad of ['root', 'Owner', 'guest', '']) assert.not.ok(isRole(bad), bad)
})

test('effective role: platform admins act as owner everywhere; members have their role; others none', () => {
  assert.is(effectiveRole(undefined, true), 'owner')
  for (const role of ROLES) {
    assert.is(effectiveRole(aMembership({ role }), true), 'owner')
    assert.is(effectiveRole(aMembership({ role }), false), role)
  }
  assert.is(effectiveRole(undefined, false), undefined)
})

test('members and up create tasks; viewers do not', () => {
  assert.equal(byRole(mayCreateTask), [false, true, true, true])
  assert.is(reason(mayCreateTask(anAccess('viewer'))), 'Viewers cannot create tasks')
})

test('modify a task: admin and owner any task; a member only the tasks assigned to them; a viewer none', () => {
  const cases: Array<[number | null, number | null]> = [[7, 7], [7, 8], [7, null], [null, null], [null, 7]]
  for (const role of ROLES) {
    for (const [workerId, assigneeId] of cases) {
      const expected = atLeast(role, 'admin') || (role === 'member' && workerId !== null && assigneeId === workerId)
      assert.is(allowed(mayModifyTask(anAccess(role, workerId), aTask({ assigneeId }))), expected, `${role} ${workerId} on ${assigneeId}`)
    }
  }
  assert.is(reason(mayModifyTask(anAccess('member', 7), aTask({ assigneeId: 8 }))), 'Members can only modify tasks assigned to them')
  assert.is(reason(mayModifyTask(anAccess('viewer', 7), aTask({ assigneeId: 7 }))), 'Viewers cannot modify tasks')
})

test('review: admin+ always, even their own task; a member who is not the assignee; never a viewer', () => {
  const own = aTask({ status: 'review', assigneeId: 7 })
  const other = aTask({ status: 'review', assigneeId: 8 })
  const unassigned = aTask({ status: 'review', assigneeId: null })
  assert.not.ok(allowed(mayReview(anAccess('member', 7), own)))
  assert.is(reason(mayReview(anAccess('member', 7), own)), 'The assignee cannot approve or reject their own task')
  assert.ok(allowed(mayReview(anAccess('member', 7), other)))
  assert.ok(allowed(mayReview(anAccess('member', 7), unassigned)))
  for (const role of ['admin', 'owner'] as const) {
    assert.ok(allowed(mayReview(anAccess(role, 7), own)), role)
    assert.ok(allowed(mayReview(anAccess(role, 7), other)), role)
  }
  for (const task of [own, other, unassigned]) assert.not.ok(allowed(mayReview(anAccess('viewer', 7), task)))
  assert.is(reason(mayReview(anAccess('viewer', 7), other)), 'Viewers cannot review tasks')
  // A member caller without a worker id (an API token) cannot be told apart from the assignee: refused.
  assert.not.ok(allowed(mayReview(anAccess('member', null), unassigned)))
})

test('update the project, manage members and API tokens: admin+; delete the project: owner only', () => {
  assert.equal(byRole(mayUpdateProject), [false, false, true, true])
  assert.equal(byRole(mayManageMembers), [false, false, true, true])
  assert.equal(byRole(mayManageTokens), [false, false, true, true])
  assert.equal(byRole(mayDeleteProject), [false, false, false, true])
  assert.is(reason(mayUpdateProject(anAccess('member'))), 'Only admins and owners can update the project')
  assert.is(reason(mayManageMembers(anAccess('member'))), 'Only admins and owners can manage members')
  assert.is(reason(mayManageTokens(anAccess('member'))), 'Only admins and owners can manage API tokens')
  assert.is(reason(mayDeleteProject(anAccess('admin'))), 'Only the owner can delete the project')
})

test('changeRole: only an owner grants or takes away the owner role', () => {
  for (const actor of ['viewer', 'member', 'admin'] as const) {
    for (const role of ['viewer', 'member', 'admin'] as const) {
      assert.is(reason(changeRole(anAccess(actor), aMembership({ role }), 'owner', 1)), 'Only an owner can grant or take away the owner role')
      assert.is(reason(changeRole(anAccess(actor), aMembership({ role: 'owner' }), role, 2)), 'Only an owner can grant or take away the owner role')
    }
  }
  assert.equal(ok(changeRole(anAccess('owner'), aMembership({ role: 'member' }), 'owner', 1)), aMembership({ role: 'owner' }))
  assert.equal(ok(changeRole(anAccess('owner'), aMembership({ role: 'owner' }), 'admin', 2)), aMembership({ role: 'admin' }))
})

test('changeRole: the last owner cannot be demoted', () => {
  for (const role of ['viewer', 'member', 'admin'] as const) {
    for (const ownerCount of [0, 1]) {
      const error = fail(changeRole(anAccess('owner'), aMembership({ role: 'owner' }), role, ownerCount), 'LastOwner')
      assert.is(describeDomainError(error), 'The last owner of a project cannot be demoted')
    }
    assert.is(ok(changeRole(anAccess('owner'), aMembership({ role: 'owner' }), role, 2)).role, role)
  }
  const sole = aMembership({ role: 'owner' })
  assert.is(ok(changeRole(anAccess('owner'), sole, 'owner', 1)), sole)
})

test('changeRole between the other roles; the same role is no change', () => {
  for (const from of ['viewer', 'member', 'admin'] as const) {
    for (const to of ['viewer', 'member', 'admin'] as const) {
      const membership = aMembership({ role: from })
      const result = ok(changeRole(anAccess('admin'), membership, to, 1))
      if (from === to) assert.is(result, membership)
      else assert.equal(result, { ...membership, role: to })
    }
  }
})

test('addMembership: a new member with its role and join time; owner only granted by an owner', () => {
  for (const role of ['viewer', 'member', 'admin'] as const) {
    assert.equal(ok(addMembership(anAccess('admin'), 1, 9, role, T1)), { projectId: 1, workerId: 9, role, joinedAt: T1 })
  }
  assert.is(reason(addMembership(anAccess('admin'), 1, 9, 'owner', T0)), 'Only an owner can grant the owner role')
  assert.equal(ok(addMembership(anAccess('owner'), 2, 9, 'owner', T0)), { projectId: 2, workerId: 9, role: 'owner', joinedAt: T0 })
})

test('the owner cannot be removed; anyone else can', () => {
  const error = fail(checkRemovable(aMembership({ role: 'owner' })), 'OwnerNotRemovable')
  assert.is(describeDomainError(error), 'The project owner cannot be removed')
  for (const role of ['viewer', 'member', 'admin'] as const) {
    const membership = aMembership({ role })
    assert.is(ok(checkRemovable(membership)), membership)
  }
})

test.run()
