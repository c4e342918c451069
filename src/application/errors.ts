// Errors of the application layer, on top of the domain's: what was not found (or may not be seen),
// who is not authenticated, and conflicts. `AppError` is the one union the HTTP adapter maps to status codes.
import { absurd, describeDomainError, type DomainError } from '../domain/index.js'

export type ApplicationError =
  | { readonly _tag: 'NotFound'; readonly message: string }
  | { readonly _tag: 'Unauthorized'; readonly reason: string }
  | { readonly _tag: 'Conflict'; readonly reason: string }
  /** A capability this instance was not configured for (e.g. integrations without a credential key). */
  | { readonly _tag: 'Unavailable'; readonly reason: string }

export type AppError = DomainError | ApplicationError

export const notFound = (message: string): AppError => ({ _tag: 'NotFound', message })
export const unauthorized = (reason: string): AppError => ({ _tag: 'Unauthorized', reason })
export const conflict = (reason: string): AppError => ({ _tag: 'Conflict', reason })
export const unavailable = (reason: string): AppError => ({ _tag: 'Unavailable', reason })

export const projectNotFound = (id: number): AppError => notFound(`Project with ID ${id} not found`)
export const taskNotFound = (id: number): AppError => notFound(`Task with ID ${id} not found`)

export const describeAppError = (error: AppError): string => {
  switch (error._tag) {
    case 'NotFound':
      return error.message
    case 'Unauthorized':
      return error.reason
    case 'Conflict':
    case 'Unavailable':
      return error.reason
    case 'ValidationFailed':
    case 'InvalidTransition':
    case 'AssigneeNotFound':
    case 'NotAProjectMember':
    case 'CircularReference':
    case 'ParentInOtherProject':
    case 'ProjectHasTasks':
    case 'TaskHasSubtasks':
    case 'ProgressNotAllowed':
    case 'LastOwner':
    case 'OwnerNotRemovable':
    case 'VersionMismatch':
    case 'Forbidden':
      return describeDomainError(error)
    default:
      return absurd(error)
  }
}
