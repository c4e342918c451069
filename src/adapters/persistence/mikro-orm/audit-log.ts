import type { AuditReader, AuditWriter } from '../../../application/index.js'
import type { AuditEntry } from '../../../domain/index.js'
import { AUDIT_COLUMNS, toAuditEntry } from './records.js'
import type { Sql } from './sql.js'

/** Insert and select only: the table's trigger refuses UPDATE, DELETE and TRUNCATE. */
export const pgAuditLog = (sql: Sql): AuditReader & AuditWriter => ({
  append: async (e) => {
    const r = await sql.one(
      `insert into audit_log (project_id, entity_type, entity_id, action, actor_type, actor_id, details, created_at)
       values (?, ?, ?, ?, ?, ?, ?::jsonb, ?) returning ${AUDIT_COLUMNS}`,
      [e.projectId, e.entityType, e.entityId, e.action, e.actor.type, String(e.actor.id), JSON.stringify(e.details), e.createdAt],
    )
    return toAuditEntry(r ?? {}) as AuditEntry
  },
  forTask: async (taskId, page) => {
    const rows = page.after === undefined
      ? await sql.rows(`select ${AUDIT_COLUMNS} from audit_log where entity_type = 'task' and entity_id = ? order by id limit ?`, [String(taskId), page.limit])
      : await sql.rows(`select ${AUDIT_COLUMNS} from audit_log where entity_type = 'task' and entity_id = ? and id > ? order by id limit ?`, [String(taskId), page.after, page.limit])
    return rows.map(toAuditEntry)
  },
  recentForTask: async (taskId, limit) =>
    (await sql.rows(`select ${AUDIT_COLUMNS} from audit_log where entity_type = 'task' and entity_id = ? order by id desc limit ?`, [String(taskId), limit])).map(toAuditEntry),
  forProject: async (projectId, filter, page) => {
    const where = ['project_id = ?']
    const params: unknown[] = [projectId]
    if (filter.actorId !== undefined) { where.push('actor_id = ?'); params.push(filter.actorId) }
    if (filter.action !== undefined) { where.push('action = ?'); params.push(filter.action) }
    if (filter.entityType !== undefined) { where.push('entity_type = ?'); params.push(filter.entityType) }
    if (page.after !== undefined) { where.push('id < ?'); params.push(page.after) }
    return (await sql.rows(`select ${AUDIT_COLUMNS} from audit_log where ${where.join(' and ')} order by id desc limit ?`, [...params, page.limit])).map(toAuditEntry)
  },
  byActor: async (actorId, projectIds, page) => {
    if (projectIds !== 'all' && projectIds.length === 0) return []
    const where = ['actor_id = ?']
    const params: unknown[] = [actorId]
    if (projectIds !== 'all') { where.push('project_id = any(?::int[])'); params.push(projectIds) }
    if (page.after !== undefined) { where.push('id < ?'); params.push(page.after) }
    return (await sql.rows(`select ${AUDIT_COLUMNS} from audit_log where ${where.join(' and ')} order by id desc limit ?`, [...params, page.limit])).map(toAuditEntry)
  },
})
