import type { ApiToken, ApiTokenId, ProjectId } from '../../domain/index.js'
import type { KeysetQuery } from './pagination.port.js'

export interface TokenKey {
  readonly createdAt: Date
  readonly id: ApiTokenId
}

export interface ApiTokenReader {
  byId(id: ApiTokenId): Promise<ApiToken | undefined>
  byHash(tokenHash: string): Promise<ApiToken | undefined>
  /** Tokens of a project ordered by (created_at, id). */
  list(projectId: ProjectId, page: KeysetQuery<TokenKey>): Promise<readonly ApiToken[]>
}

export interface ApiTokenWriter {
  /** Throws UniqueViolation('api_token_hash'). */
  insert(token: ApiToken): Promise<void>
  update(token: ApiToken): Promise<void>
}
