import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  absurd, describeDomainError, forbidden, invalidField, validationFailed, type DomainError, type DomainErrorTag,
} from '../../src/domain/errors.js'

// One example per tag, with the exact `detail` text. Typed by tag, so a new error kind cannot go untested.
const MESSAGES: { readonly [K in DomainErrorTag]: readonly [Extract<DomainError, { _tag: K }>, string] } = {
  // The contract's "Domain rule messages", word for word.
  AssigneeNotFound: [{ _tag: 'AssigneeNotFound', workerId: 7 }, 'Member with ID 7 not found in this project'],
  NotAProjectMember: [
    { _tag: 'NotAProjectMember', workerType: 'human', handle: '@sarah', projectSlug: 'web-app' },
    '@sarah is not a member of project web-app',
  ],
  CircularReference: [{ _tag: 'CircularReference' }, 'Circular reference detected'],
  ParentInOtherProject: [{ _tag: 'ParentInOtherProject' }, 'Parent task must be in the same project'],
  ProjectHasTasks: [{ _tag: 'ProjectHasTasks', taskCount: 3 }, 'Project has 3 tasks. Delete tasks first or use force=true'],
  // taskport's own wording for the rest.
  TaskHasSubtasks: [{ _tag: 'TaskHasSubtasks', subtaskCount: 2 }, 'Task has 2 subtasks. Delete subtasks first or use force=true'],
  ProgressNotAllowed: [
    { _tag: 'ProgressNotAllowed', status: 'pending' },
    'Progress can only be reported while the task is in_progress or review (it is pending)',
  ],
  LastOwner: [{ _tag: 'LastOwner' }, 'The last owner of a project cannot be demoted'],
  OwnerNotRemovable: [{ _tag: 'OwnerNotRemovable' }, 'The project owner cannot be removed'],
  VersionMismatch: [
    { _tag: 'VersionMismatch', expected: 2, actual: 3 },
    'Version mismatch: If-Match expected version 2, the task is at version 3',
  ],
  Forbidden: [{ _tag: 'Forbidden', reason: 'Viewers cannot create tasks' }, 'Viewers cannot create tasks'],
  ValidationFailed: [
    { _tag: 'ValidationFailed', issues: [{ path: 'title', message: 'must be a non-empty string' }] },
    'title: must be a non-empty string',
  ],
  InvalidTransition: [
    { _tag: 'InvalidTransition', from: 'pending', to: 'review', allowed: ['in_progress', 'blocked', 'backlog', 'cancelled'] },
    'Cannot change status from pending to review. Allowed: in_progress, blocked, backlog, cancelled',
  ],
}

test('every kind of domain error has its exact message', () => {
  for (const [tag, [error, message]] of Object.entries(MESSAGES)) assert.is(describeDomainError(error), message, tag)
})

test('the contract messages with other values', () => {
  assert.is(describeDomainError({ _tag: 'AssigneeNotFound', workerId: 12345 }), 'Member with ID 12345 not found in this project')
  assert.is(
    describeDomainError({ _tag: 'NotAProjectMember', workerType: 'human', handle: '@bob2', projectSlug: 'task-flow' }),
    '@bob2 is not a member of project task-flow',
  )
  assert.is(describeDomainError({ _tag: 'ProjectHasTasks', taskCount: 1 }), 'Project has 1 tasks. Delete tasks first or use force=true')
})

test('an agent that is not a member gets the agent message, without handle or slug', () => {
  assert.is(
    describeDomainError({ _tag: 'NotAProjectMember', workerType: 'agent', handle: '@claude-code', projectSlug: 'web-app' }),
    'Agent not a member of this project',
  )
})

test('an invalid transition lists the allowed targets, "none" when there are none, and its hint', () => {
  assert.is(
    describeDomainError({ _tag: 'InvalidTransition', from: 'review', to: 'blocked', allowed: [] }),
    'Cannot change status from review to blocked. Allowed: none',
  )
  assert.is(
    describeDomainError({ _tag: 'InvalidTransition', from: 'completed', to: 'pending', allowed: ['in_progress'], hint: 'reopen first' }),
    'Cannot change status from completed to pending. Allowed: in_progress (reopen first)',
  )
})

test('a validation error lists every issue as "path: message", joined by "; "', () => {
  assert.is(
    describeDomainError(validationFailed([{ path: 'a', message: 'x' }, { path: 'tags.2', message: 'y' }])),
    'a: x; tags.2: y',
  )
})

test('constructors build the tagged values', () => {
  assert.equal(validationFailed([{ path: 'a', message: 'b' }]), { _tag: 'ValidationFailed', issues: [{ path: 'a', message: 'b' }] })
  assert.equal(invalidField('due_date', 'must be a date YYYY-MM-DD'), {
    _tag: 'ValidationFailed', issues: [{ path: 'due_date', message: 'must be a date YYYY-MM-DD' }],
  })
  assert.equal(forbidden('no'), { _tag: 'Forbidden', reason: 'no' })
})

test('absurd throws on a value the types say cannot exist', () => {
  assert.throws(() => absurd('x' as never), /unexpected value: "x"/)
  assert.throws(() => describeDomainError({ _tag: 'Nope' } as unknown as DomainError), /unexpected value/)
})

test.run()
