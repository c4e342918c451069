// The one table from application errors to the contract's error body (REST answers and MCP tool errors): status,
// the error code, and its body
// `{"error","detail","status_code","errors"?}` (plus `allowed` for invalid transitions).
import { absurd, type Issue } from '../../domain/index.js'
import { describeAppError, type AppError } from '../errors.js'

export type ErrorCode =
  | 'validation_error' | 'domain_rule_violation' | 'invalid_transition' | 'unauthorized' | 'forbidden' | 'not_found'
  | 'method_not_allowed' | 'conflict' | 'precondition_failed' | 'payload_too_large' | 'unsupported_media_type'
  | 'idempotency_key_reused' | 'rate_limited' | 'service_unavailable' | 'internal_error'

/** The contract's error body (FR-002). */
export type ErrorBody = Problem['body']

export interface Problem {
  readonly status: number
  readonly body: {
    readonly error: ErrorCode
    readonly detail: string
    readonly status_code: number
    readonly errors?: readonly Issue[]
    readonly allowed?: readonly string[]
  }
}

export const problem = (status: number, error: ErrorCode, detail: string, extra: Partial<Problem['body']> = {}): Problem => ({
  status,
  body: { error, detail, status_code: status, ...extra },
})

export const validationProblem = (issues: readonly Issue[]): Problem =>
  problem(400, 'validation_error', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { errors: issues })

export const problemOf = (error: AppError): Problem => {
  const detail = describeAppError(error)
  switch (error._tag) {
    case 'ValidationFailed':
      return validationProblem(error.issues)
    case 'InvalidTransition':
      return problem(400, 'invalid_transition', detail, { allowed: error.allowed })
    case 'AssigneeNotFound':
    case 'NotAProjectMember':
    case 'CircularReference':
    case 'ParentInOtherProject':
    case 'ProgressNotAllowed':
    case 'LastOwner':
    case 'OwnerNotRemovable':
      return problem(400, 'domain_rule_violation', detail)
    case 'Unauthorized':
      return problem(401, 'unauthorized', detail)
    case 'Forbidden':
      return problem(403, 'forbidden', detail)
    case 'NotFound':
      return problem(404, 'not_found', detail)
    case 'ProjectHasTasks':
    case 'TaskHasSubtasks':
    case 'Conflict':
      return problem(409, 'conflict', detail)
    case 'VersionMismatch':
      return problem(412, 'precondition_failed', detail)
    case 'Unavailable':
      return problem(503, 'service_unavailable', detail)
    default:
      return absurd(error)
  }
}
