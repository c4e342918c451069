// Domain errors: one tagged union, matched exhaustively where it is turned into messages or HTTP codes.
// Messages are the wire contract's exact wording (../shared/contract/API.md, "Domain rule messages").
import type { TaskStatus } from './task-status.js'

export interface Issue {
  readonly path: string
  readonly message: string
}

export type DomainError =
  | { readonly _tag: 'ValidationFailed'; readonly issues: readonly Issue[] }
  | {
      readonly _tag: 'InvalidTransition'
      readonly from: TaskStatus
      readonly to: TaskStatus
      readonly allowed: readonly TaskStatus[]
      readonly hint?: string
    }
  | { readonly _tag: 'AssigneeNotFound'; readonly workerId: number }
  | { readonly _tag: 'NotAProjectMember'; readonly workerType: 'human' | 'agent'; readonly handle: string; readonly projectSlug: string }
  | { readonly _tag: 'CircularReference' }
  | { readonly _tag: 'ParentInOtherProject' }
  | { readonly _tag: 'ProjectHasTasks'; readonly taskCount: number }
  | { readonly _tag: 'TaskHasSubtasks'; readonly subtaskCount: number }
  | { readonly _tag: 'ProgressNotAllowed'; readonly status: TaskStatus }
  | { readonly _tag: 'LastOwner' }
  | { readonly _tag: 'OwnerNotRemovable' }
  | { readonly _tag: 'VersionMismatch'; readonly expected: number; readonly actual: number }
  | { readonly _tag: 'Forbidden'; readonly reason: string }

export type DomainErrorTag = DomainError['_tag']

export const validationFailed = (issues: readonly Issue[]): DomainError => ({ _tag: 'ValidationFailed', issues })
export const invalidField = (path: string, message: string): DomainError => validationFailed([{ path, message }])
export const forbidden = (reason: string): DomainError => ({ _tag: 'Forbidden', reason })

const list = (statuses: readonly string[]): string => (statuses.length === 0 ? 'none' : statuses.join(', '))

/** The human-readable `detail` of an error, in the contract's wording. */
export const describeDomainError = (error: DomainError): string => {
  switch (error._tag) {
    case 'ValidationFailed':
      return error.issues.map((i) => `${i.path}: ${i.message}`).join('; ')
    case 'InvalidTransition':
      return `Cannot change status from ${error.from} to ${error.to}. Allowed: ${list(error.allowed)}` +
        (error.hint ? ` (${error.hint})` : '')
    case 'AssigneeNotFound':
      return `Member with ID ${error.workerId} not found in this project`
    case 'NotAProjectMember':
      return error.workerType === 'agent'
        ? 'Agent not a member of this project'
        : `${error.handle} is not a member of project ${error.projectSlug}`
    case 'CircularReference':
      return 'Circular reference detected'
    case 'ParentInOtherProject':
      return 'Parent task must be in the same project'
    case 'ProjectHasTasks':
      return `Project has ${error.taskCount} tasks. Delete tasks first or use force=true`
    case 'TaskHasSubtasks':
      return `Task has ${error.subtaskCount} subtasks. Delete subtasks first or use force=true`
    case 'ProgressNotAllowed':
      return `Progress can only be reported while the task is in_progress or review (it is ${error.status})`
    case 'LastOwner':
      return 'The last owner of a project cannot be demoted'
    case 'OwnerNotRemovable':
      return 'The project owner cannot be removed'
    case 'VersionMismatch':
      return `Version mismatch: If-Match expected version ${error.expected}, the task is at version ${error.actual}`
    case 'Forbidden':
      return error.reason
    default:
      return absurd(error)
  }
}

export const absurd = (value: never): never => {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`)
}
