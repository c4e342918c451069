import * as E from 'fp-ts/lib/Either.js'
import * as assert from 'uvu/assert'
import { describeDomainError, type DomainError } from '../../src/domain/index.js'

export const ok = <A>(result: E.Either<DomainError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected Right, got ${result.left._tag}: ${describeDomainError(result.left)}`)
  return result.right
}

export const fail = <A>(result: E.Either<DomainError, A>, tag?: DomainError['_tag']): DomainError => {
  if (E.isRight(result)) throw new Error(`expected Left${tag ? ` ${tag}` : ''}, got Right`)
  if (tag) assert.is(result.left._tag, tag)
  return result.left
}

/** The paths of a ValidationFailed error. */
export const paths = (error: DomainError): readonly string[] =>
  error._tag === 'ValidationFailed' ? error.issues.map((i) => i.path) : assert.unreachable(`expected ValidationFailed, got ${error._tag}`) as never
