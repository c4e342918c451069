// Checks a project API token inside the caller's transaction and records its use.
import * as E from 'fp-ts/lib/Either.js'
import { isActive, RAW_TOKEN_PATTERN, recordUse, type ApiToken } from '../../domain/index.js'
import type { Deps } from '../deps.js'
import { unauthorized, type AppError } from '../errors.js'
import type { Stores } from '../ports/index.js'
import { transact } from '../transaction.js'

/** Missing, malformed, unknown, revoked, or another project's token: all the same 401. */
export const authenticateApiToken = async (
  deps: Pick<Deps, 'secrets'>,
  stores: Stores,
  projectId: number,
  raw: string | undefined,
  now: Date,
  recordUsage = true,
): Promise<E.Either<AppError, ApiToken>> => {
  const invalid = E.left(unauthorized('Invalid or revoked API token'))
  if (raw === undefined || !RAW_TOKEN_PATTERN.test(raw)) return invalid
  const hash = deps.secrets.hash(raw)
  const token = await stores.tokens.byHash(hash)
  if (!token || !deps.secrets.equals(token.tokenHash, hash) || !isActive(token) || token.projectId !== projectId) return invalid
  if (!recordUsage) return E.right(token)
  const used = recordUse(token, now)
  if (used !== token) await stores.tokens.update(used)
  return E.right(used)
}

/**
 * The same check in its own transaction, for an adapter that must answer 401 before looking at anything else.
 * It records no use: a push refused for its body is no use of the token, and a refused request writes nothing.
 */
export const verifyApiToken = (deps: Pick<Deps, 'uow' | 'clock' | 'secrets'>) =>
  (projectId: number, raw: string | undefined): Promise<E.Either<AppError, ApiToken>> =>
    transact(deps.uow, (stores) => authenticateApiToken(deps, stores, projectId, raw, deps.clock.now(), false))
