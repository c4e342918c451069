// How the HTTP adapter learns who is calling: a bearer token in, a principal (or a 401) out. The JWKS verifier
// (src/adapters/auth) implements it; it throws AuthUnavailable when no key can be had (503).
import type * as E from 'fp-ts/lib/Either.js'
import type { AppError, Principal } from '../../application/index.js'

export type Authenticate = (authorization: string | undefined) => Promise<E.Either<AppError, Principal>>

export class AuthUnavailable extends Error {
  override name = 'AuthUnavailable'
  constructor() {
    super('Authentication service unavailable')
  }
}
