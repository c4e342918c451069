// One keyset page of a project's rows ordered by (created_at, id), for the tables with UUID ids (API tokens,
// integrations).
import type { KeysetQuery } from '../../../application/index.js'
import type { Sql } from './sql.js'

export const createdAtPage = (
  sql: Sql,
  table: string,
  columns: string,
  projectId: number,
  page: KeysetQuery<{ readonly createdAt: Date; readonly id: string }>,
): Promise<Record<string, unknown>[]> =>
  page.after === undefined
    ? sql.rows(`select ${columns} from ${table} where project_id = ? order by created_at, id limit ?`, [projectId, page.limit])
    : sql.rows(`select ${columns} from ${table} where project_id = ? and (created_at, id) > (?, ?::uuid) order by created_at, id limit ?`,
      [projectId, page.after.createdAt, page.after.id, page.limit])
