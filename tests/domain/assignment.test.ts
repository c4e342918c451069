import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { assign, checkAssignee } from '../../src/domain/assignment.js'
import { describeDomainError } from '../../src/domain/errors.js'
import { fail, ok } from '../support/either.js'
import { T1, aMembership, aProject, aTask, aWorker, anAgent } from '../support/builders.js'

const project = aProject({ slug: 'web-app' })

test('an unknown worker: AssigneeNotFound with the requested id', () => {
  const error = fail(checkAssignee(project, 999, undefined, undefined), 'AssigneeNotFound')
  assert.equal(error, { _tag: 'AssigneeNotFound', workerId: 999 })
  assert.is(describeDomainError(error), 'Member with ID 999 not found in this project')
})

test('a human who is not a member: named by handle and project slug', () => {
  const error = fail(checkAssignee(project, 7, aWorker({ handle: '@sarah' }), undefined), 'NotAProjectMember')
  assert.equal(error, { _tag: 'NotAProjectMember', workerType: 'human', handle: '@sarah', projectSlug: 'web-app' })
  assert.is(describeDomainError(error), '@sarah is not a member of project web-app')
  assert.is(
    describeDomainError(fail(checkAssignee(aProject({ slug: 'task-flow' }), 8, aWorker({ id: 8, handle: '@bob' }), undefined))),
    '@bob is not a member of project task-flow',
  )
})

test('an agent that is not a member: the agent message', () => {
  const error = fail(checkAssignee(project, 9, anAgent(), undefined), 'NotAProjectMember')
  assert.is(describeDomainError(error), 'Agent not a member of this project')
})

test('a member, human or agent and whatever the role, may be assigned', () => {
  const human = aWorker()
  assert.is(ok(checkAssignee(project, human.id, human, aMembership({ workerId: human.id }))), human)
  const agent = anAgent()
  assert.is(ok(checkAssignee(project, agent.id, agent, aMembership({ workerId: agent.id, role: 'viewer' }))), agent)
})

test('assign: a new assignee bumps the version; null unassigns; the same assignee is no change', () => {
  const task = aTask({ assigneeId: 7, version: 2 })
  assert.is(assign(task, 7, T1), task)
  assert.equal(assign(task, 9, T1), { ...task, assigneeId: 9, version: 3, updatedAt: T1 })
  assert.equal(assign(task, null, T1), { ...task, assigneeId: null, version: 3, updatedAt: T1 })
})

test.run()
