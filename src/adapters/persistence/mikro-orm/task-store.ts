import type { TaskReader, TaskWriter } from '../../../application/index.js'
import { ConcurrentUpdate } from '../../../application/index.js'
import type { Task } from '../../../domain/index.js'
import {
  AUDIT_COLUMNS, LINK_COLUMNS, PROJECT_COLUMNS, TASK_COLUMNS, WORKER_COLUMNS, toAuditEntry, toLink, toMembership, toProject, toTask, toWorker,
} from './records.js'
import type { Sql } from './sql.js'

const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&')

/** Deeper than any real hierarchy: where the walk up a corrupt (cyclic) parent chain stops. */
const CHAIN_GUARD = 100_000

type Row = Record<string, unknown>

/**
 * The detail record in one statement: the task joined to its project and the worker's membership, and the
 * children, latest audit entries, links and assignees as JSON arrays (row_to_json keeps the column names, so the
 * row mappers of records.ts read them as they read plain rows). `= any(array(…))`, not `or … in (…)`: an OR over
 * a subquery makes PostgreSQL scan the whole links table.
 */
const DETAIL = `
  with t as (select ${TASK_COLUMNS} from tasks where id = ?),
       c as (select ${TASK_COLUMNS} from tasks where parent_task_id = (select id from t))
  select row_to_json(t) as task,
    (select row_to_json(p) from (select ${PROJECT_COLUMNS} from projects where id = t.project_id) p) as project,
    m.role, m.joined_at,
    (select coalesce(json_agg(c order by c.id), '[]') from c) as children,
    (select coalesce(json_agg(a order by a.id desc), '[]') from (
       select ${AUDIT_COLUMNS} from audit_log where entity_type = 'task' and entity_id = t.id::text order by id desc limit ?) a) as audit,
    (select coalesce(json_agg(l order by l.id), '[]') from (
       select ${LINK_COLUMNS} from external_links where task_id = any(array(select id from t union all select id from c))) l) as links,
    (select coalesce(json_agg(w order by w.id), '[]') from (
       select ${WORKER_COLUMNS} from workers where id = any(array(select assignee_id from t union select assignee_id from c))) w) as assignees
  from t left join memberships m on m.project_id = t.project_id and m.worker_id = ?`

export const pgTaskStore = (sql: Sql): TaskReader & TaskWriter => ({
  detail: async (id, workerId, auditSize) => {
    const r = await sql.one(DETAIL, [id, auditSize, workerId])
    if (!r) return undefined
    const task = toTask(r.task as Row)
    return {
      task,
      project: toProject(r.project as Row),
      membership: r.role === null ? undefined : toMembership({ project_id: task.projectId, worker_id: workerId, role: r.role, joined_at: r.joined_at }),
      children: (r.children as Row[]).map(toTask),
      recentAudit: (r.audit as Row[]).map(toAuditEntry),
      links: (r.links as Row[]).map(toLink),
      assignees: (r.assignees as Row[]).map(toWorker),
    }
  },
  byId: async (id) => {
    const r = await sql.one(`select ${TASK_COLUMNS} from tasks where id = ?`, [id])
    return r && toTask(r)
  },
  list: async (projectId, f, page) => {
    const where = ['project_id = ?']
    const params: unknown[] = [projectId]
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause)
      params.push(...values)
    }
    if (f.status !== undefined) add('status = ?', f.status)
    if (f.assigneeId === 'none') add('assignee_id is null')
    else if (f.assigneeId !== undefined) add('assignee_id = ?', f.assigneeId)
    if (f.priority !== undefined) add('priority = ?', f.priority)
    if (f.tag !== undefined) add('tags @> ?::text[]', [f.tag])
    if (f.parentId === 'none') add('parent_task_id is null')
    else if (f.parentId !== undefined) add('parent_task_id = ?', f.parentId)
    if (f.q !== undefined) add('title ilike ?', `%${escapeLike(f.q)}%`)
    if (page.after !== undefined) add('id > ?', page.after)
    const rows = await sql.rows(`select ${TASK_COLUMNS} from tasks where ${where.join(' and ')} order by id limit ?`, [...params, page.limit])
    return rows.map(toTask)
  },
  children: async (parentId) => (await sql.rows(`select ${TASK_COLUMNS} from tasks where parent_task_id = ? order by id`, [parentId])).map(toTask),
  ancestorIds: async (id) => {
    // One round trip whatever the depth. A corrupt chain (a cycle written around the rules) is cut off at
    // CHAIN_GUARD levels and its repeats removed; PostgreSQL's CYCLE clause would do it more neatly, but it
    // copies a growing path array at every level: 38 ms at depth 1,000 instead of 1 ms (docs/performance.md).
    const rows = await sql.rows<{ id: number }>(
      `with recursive up (id, parent_task_id, depth) as (
         select id, parent_task_id, 0 from tasks where id = ?
         union all
         select t.id, t.parent_task_id, up.depth + 1 from tasks t join up on t.id = up.parent_task_id where up.depth < ?
       )
       select id from up where depth > 0 group by id order by min(depth)`,
      [id, CHAIN_GUARD],
    )
    return rows.map((r) => Number(r.id))
  },
  descendantIds: async (id) => {
    const rows = await sql.rows<{ id: number }>(
      // UNION (not UNION ALL) drops a row seen before, which also ends a corrupt cycle.
      `with recursive down (id) as (
         select id from tasks where parent_task_id = ?
         union
         select t.id from tasks t join down on t.parent_task_id = down.id
       )
       select id from down where id <> ? order by id`,
      [id, id],
    )
    return rows.map((r) => Number(r.id))
  },
  countInProject: async (projectId) => Number((await sql.one<{ n: string }>('select count(*) as n from tasks where project_id = ?', [projectId]))?.n ?? 0),
  assignedTo: async (workerId, projectId) =>
    (projectId === undefined
      ? await sql.rows(`select ${TASK_COLUMNS} from tasks where assignee_id = ? order by id`, [workerId])
      : await sql.rows(`select ${TASK_COLUMNS} from tasks where assignee_id = ? and project_id = ? order by id`, [workerId, projectId])
    ).map(toTask),
  insert: async (t) => {
    // The project's counter row is incremented in the same statement: concurrent creations queue on that row
    // lock, and a rolled-back creation gives its number back. No gaps, no duplicates.
    const r = await sql.one(
      `with n as (update projects set task_counter = task_counter + 1 where id = ? returning task_counter)
       insert into tasks (project_id, number, title, description, status, priority, tags, due_date, story_points, assignee_id,
                          parent_task_id, progress_percent, rollup_progress_percent, version, created_by_id, started_at,
                          completed_at, created_at, updated_at)
       select ?, n.task_counter, ?, ?, ?, ?, ?::text[], ?::date, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? from n
       returning ${TASK_COLUMNS}`,
      [t.projectId, t.projectId, t.title, t.description, t.status, t.priority, [...t.tags], t.dueDate, t.storyPoints, t.assigneeId,
        t.parentTaskId, t.progressPercent, t.rollupProgressPercent, t.version, t.createdById, t.startedAt, t.completedAt, t.createdAt, t.updatedAt],
    )
    if (!r) throw new Error(`task references missing project ${t.projectId}`)
    return toTask(r) as Task
  },
  update: async (t, expectedVersion) => {
    const updated = await sql.rows(
      `update tasks set title = ?, description = ?, status = ?, priority = ?, tags = ?::text[], due_date = ?::date, story_points = ?,
              assignee_id = ?, parent_task_id = ?, progress_percent = ?, rollup_progress_percent = ?, version = ?, started_at = ?,
              completed_at = ?, updated_at = ?
        where id = ? and version = ? returning id`,
      [t.title, t.description, t.status, t.priority, [...t.tags], t.dueDate, t.storyPoints, t.assigneeId, t.parentTaskId,
        t.progressPercent, t.rollupProgressPercent, t.version, t.startedAt, t.completedAt, t.updatedAt, t.id, expectedVersion],
    )
    if (updated.length === 0) throw new ConcurrentUpdate('task', t.id)
  },
  delete: async (ids) => {
    if (ids.length > 0) await sql.run('delete from tasks where id = any(?::int[])', [ids])
  },
})
