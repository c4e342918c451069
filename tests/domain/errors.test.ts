import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { absurd, describeDomainError, forbidden, invalidField, validationFailed, type DomainError } from '../../src/domain/index.js'

// The contract's "Domain rule messages", word for word.
const cases: Array<[DomainError, string]> = [
  [{ _tag: 'AssigneeNotFound', workerId: 7 }, 'Member with ID 7 not found in this project'],
  [{ _tag: 'NotAProjectMember', workerType: 'human', handle: '@sarah', projectSlug: 'web-app' }, '@sarah is not a member of project web-app'],
  [{ _tag: 'NotAProjectMember', workerType: 'agent', handle: '@bot', projectSlug: 'web-app' }, 'Agent not a member of this project'],
  [{ _tag: 'CircularReference' }, 'Circular reference detected'],
  [{ _tag: 'ParentInOtherProject' }, 'Parent task must be in the same project'],
  [{ _tag: 'ProjectHasTasks', taskCount: 3 }, 'Project has 3 tasks. Delete tasks first or use force=true'],
  [{ _tag: 'TaskHasSubtasks', subtaskCount: 2 }, 'Task has 2 subtasks. Delete subtasks first or use force=true'],
  [{ _tag: 'ProgressNotAllowed', status: 'pending' }, 'Progress can only be reported while the task is in_progress or review (it is pending)'],
  [{ _tag: 'LastOwner' }, 'The last owner of a project cannot be demoted'],
  [{ _tag: 'OwnerNotRemovable' }, 'The project owner cannot be removed'],
  [{ _tag: 'VersionMismatch', expected: 2, actual: 3 }, 'Version mismatch: If-Match expected version 2, the task is at version 3'],
  [forbidden('Viewers cannot create tasks'), 'Viewers cannot create tasks'],
  [invalidField('title', 'must be a non-empty string'), 'title: must be a non-empty string'],
  [validationFailed([{ path: 'a', message: 'x' }, { path: 'b', message: 'y' }]), 'a: x; b: y'],
  [{ _tag: 'InvalidTransition', from: 'pending', to: 'review', allowed: ['in_progress', 'blocked'] }, 'Cannot change status from pending to review. Allowed: in_progress, blocked'],
]

test('every domain error has the contract wording', () => {
  for (const [error, message] of cases) assert.is(describeDomainError(error), message)
})

test('absurd throws on an impossible value', () => {
  assert.throws(() => absurd('x' as never), /unexpected value/)
})

test.run()
