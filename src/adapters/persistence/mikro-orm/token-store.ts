import type { ApiTokenReader, ApiTokenWriter } from '../../../application/index.js'
import { TOKEN_COLUMNS, toToken } from './records.js'
import { createdAtPage } from './created-at-page.js'
import type { Sql } from './sql.js'

export const pgTokenStore = (sql: Sql): ApiTokenReader & ApiTokenWriter => ({
  byId: async (id) => {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined
    const r = await sql.one(`select ${TOKEN_COLUMNS} from api_tokens where id = ?::uuid`, [id])
    return r && toToken(r)
  },
  byHash: async (hash) => {
    const r = await sql.one(`select ${TOKEN_COLUMNS} from api_tokens where token_hash = ?`, [hash])
    return r && toToken(r)
  },
  list: async (projectId, page) => (await createdAtPage(sql, 'api_tokens', TOKEN_COLUMNS, projectId, page)).map(toToken),
  insert: async (t) => {
    await sql.run(
      `insert into api_tokens (id, project_id, name, token_hash, status_map, created_by_id, created_at, last_used_at, revoked_at)
       values (?::uuid, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)`,
      [t.id, t.projectId, t.name, t.tokenHash, JSON.stringify(t.statusMap), t.createdById, t.createdAt, t.lastUsedAt, t.revokedAt],
    )
  },
  update: async (t) => {
    await sql.run('update api_tokens set name = ?, status_map = ?::jsonb, last_used_at = ?, revoked_at = ? where id = ?::uuid',
      [t.name, JSON.stringify(t.statusMap), t.lastUsedAt, t.revokedAt, t.id])
  },
})
