import type { ExternalLinkReader, ExternalLinkWriter } from '../../../application/index.js'
import type { ExternalLink } from '../../../domain/index.js'
import { LINK_COLUMNS, toLink } from './records.js'
import type { Sql } from './sql.js'

export const pgLinkStore = (sql: Sql): ExternalLinkReader & ExternalLinkWriter => ({
  find: async (projectId, source, externalId) => {
    const r = await sql.one(`select ${LINK_COLUMNS} from external_links where project_id = ? and source = ? and external_id = ?`, [projectId, source, externalId])
    return r && toLink(r)
  },
  byTaskIds: async (taskIds) =>
    taskIds.length === 0 ? [] : (await sql.rows(`select ${LINK_COLUMNS} from external_links where task_id = any(?::int[]) order by id`, [taskIds])).map(toLink),
  waitingForParent: async (projectId, source, parentExternalId) =>
    (await sql.rows(`select ${LINK_COLUMNS} from external_links where project_id = ? and source = ? and pending_parent_external_id = ? order by id`,
      [projectId, source, parentExternalId])).map(toLink),
  waitingForAssignee: async (projectId, email) =>
    (await sql.rows(`select ${LINK_COLUMNS} from external_links where project_id = ? and pending_assignee_email = ? order by id`,
      [projectId, email.toLowerCase()])).map(toLink),
  insert: async (l) => {
    const r = await sql.one(
      `insert into external_links (project_id, task_id, source, external_id, external_url, pending_assignee_email, pending_parent_external_id,
                                   source_updated_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning ${LINK_COLUMNS}`,
      [l.projectId, l.taskId, l.source, l.externalId, l.externalUrl, l.pendingAssigneeEmail, l.pendingParentExternalId, l.sourceUpdatedAt, l.createdAt, l.updatedAt],
    )
    return toLink(r ?? {}) as ExternalLink
  },
  update: async (l) => {
    await sql.run(
      `update external_links set external_url = ?, pending_assignee_email = ?, pending_parent_external_id = ?, source_updated_at = ?, updated_at = ?
        where id = ?`,
      [l.externalUrl, l.pendingAssigneeEmail, l.pendingParentExternalId, l.sourceUpdatedAt, l.updatedAt, l.id],
    )
  },
})
