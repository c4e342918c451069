// Project API token (for inbound task-sync): only the SHA-256 of the raw token is ever kept.
import type * as E from 'fp-ts/lib/Either.js'
import type { DomainError } from './errors.js'
import type { ApiTokenId, ProjectId, WorkerId } from './ids.js'
import type { StatusMap } from './sync.js'
import { collect, nonEmptyText } from './validation.js'

export interface ApiToken {
  readonly id: ApiTokenId
  readonly projectId: ProjectId
  readonly name: string
  /** Hex SHA-256 of the raw token. */
  readonly tokenHash: string
  readonly statusMap: StatusMap
  /** null once the worker who created it is gone. */
  readonly createdById: WorkerId | null
  readonly createdAt: Date
  readonly lastUsedAt: Date | null
  readonly revokedAt: Date | null
}

/** 256 bits of randomness, hex encoded. */
export const RAW_TOKEN_PATTERN = /^[0-9a-f]{64}$/

export const createApiToken = (
  fields: { id: ApiTokenId; projectId: ProjectId; name: string; tokenHash: string; statusMap: StatusMap; createdById: WorkerId },
  now: Date,
): E.Either<DomainError, ApiToken> =>
  collect({ ...fields, createdAt: now, lastUsedAt: null, revokedAt: null }, nonEmptyText('name', fields.name, 100))

/**
 * `last_used_at` is kept to the minute: a token used again within a minute is not written again, so that
 * concurrent pushes with one token do not queue on its row lock.
 */
export const LAST_USED_PRECISION_MS = 60_000

export const recordUse = (token: ApiToken, now: Date): ApiToken =>
  token.lastUsedAt !== null && now.getTime() - token.lastUsedAt.getTime() < LAST_USED_PRECISION_MS ? token : { ...token, lastUsedAt: now }

export const isActive = (token: ApiToken): boolean => token.revokedAt === null

/** Revoking twice keeps the first revocation time. */
export const revoke = (token: ApiToken, now: Date): ApiToken => (token.revokedAt ? token : { ...token, revokedAt: now })
