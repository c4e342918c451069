import type { ApiTokenReader, ApiTokenWriter } from '../../../application/index.js'
import { UniqueViolation } from '../../../application/index.js'
import type { Tables } from './memory-db.js'
import { keysetPage } from './keyset.js'

export const memoryTokenStore = (t: Tables): ApiTokenReader & ApiTokenWriter => ({
  byId: async (id) => t.tokens.get(id),
  byHash: async (tokenHash) => [...t.tokens.values()].find((token) => token.tokenHash === tokenHash),
  list: async (projectId, page) =>
    keysetPage(
      [...t.tokens.values()]
        .filter((token) => token.projectId === projectId)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id)),
      (token) => ({ createdAt: token.createdAt, id: token.id }),
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
      page,
    ),
  insert: async (token) => {
    if (t.tokens.has(token.id) || [...t.tokens.values()].some((o) => o.tokenHash === token.tokenHash)) throw new UniqueViolation('api_token_hash')
    t.tokens.set(token.id, token)
  },
  update: async (token) => {
    t.tokens.set(token.id, token)
  },
})
