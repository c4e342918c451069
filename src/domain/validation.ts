// Small, dependency-free validators shared by the entities. Lengths are in characters (code points). Each returns the issues it found,
// so that one request can report every bad field at once.
import * as E from 'fp-ts/lib/Either.js'
import { validationFailed, type DomainError, type Issue } from './errors.js'
import { charCount } from './text.js'

export type Check = readonly Issue[]

export const ok: Check = []

export const issue = (path: string, message: string): Check => [{ path, message }]

/** Joins the checks; Right(value) when none found an issue. */
export const collect = <A>(value: A, ...checks: readonly Check[]): E.Either<DomainError, A> => {
  const issues = checks.flat()
  return issues.length === 0 ? E.right(value) : E.left(validationFailed(issues))
}

export const nonEmptyText = (path: string, value: string, max: number): Check => {
  if (value.trim().length === 0) return issue(path, 'must be a non-empty string')
  if (charCount(value) > max) return issue(path, `must be at most ${max} characters`)
  return ok
}

export const optionalText = (path: string, value: string | null, max: number): Check =>
  value !== null && charCount(value) > max ? issue(path, `must be at most ${max} characters`) : ok

export const matches = (path: string, value: string, pattern: RegExp, description: string): Check =>
  pattern.test(value) ? ok : issue(path, `must match ${description}`)
