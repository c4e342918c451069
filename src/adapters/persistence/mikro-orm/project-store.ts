import type { ProjectReader, ProjectWriter, ProjectStats } from '../../../application/index.js'
import type { Project } from '../../../domain/index.js'
import { PROJECT_COLUMNS, toMembership, toProject } from './records.js'
import type { Sql } from './sql.js'

const like = (prefix: string) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`

export const pgProjectStore = (sql: Sql): ProjectReader & ProjectWriter => ({
  byIdWithMembership: async (id, workerId) => {
    const r = await sql.one(
      `select p.id, p.slug, p.key, p.name, p.description, p.owner_id, p.created_at, p.updated_at, m.role, m.joined_at
       from projects p left join memberships m on m.project_id = p.id and m.worker_id = ? where p.id = ?`,
      [workerId, id],
    )
    return r && {
      project: toProject(r),
      membership: r.role === null ? undefined : toMembership({ project_id: r.id, worker_id: workerId, role: r.role, joined_at: r.joined_at }),
    }
  },
  byId: async (id) => {
    const r = await sql.one(`select ${PROJECT_COLUMNS} from projects where id = ?`, [id])
    return r && toProject(r)
  },
  bySlug: async (slug) => {
    const r = await sql.one(`select ${PROJECT_COLUMNS} from projects where slug = ?`, [slug])
    return r && toProject(r)
  },
  byKey: async (key) => {
    const r = await sql.one(`select ${PROJECT_COLUMNS} from projects where key = ?`, [key])
    return r && toProject(r)
  },
  slugsStartingWith: async (prefix) =>
    new Set((await sql.rows<{ slug: string }>('select slug from projects where slug like ?', [like(prefix)])).map((r) => r.slug)),
  keysStartingWith: async (prefix) =>
    new Set((await sql.rows<{ key: string }>('select key from projects where key like ?', [like(prefix)])).map((r) => r.key)),
  list: async (memberId, page) => {
    const params: unknown[] = []
    let where = 'true'
    if (memberId !== 'all') {
      where = 'exists (select 1 from memberships m where m.project_id = p.id and m.worker_id = ?)'
      params.push(memberId)
    }
    if (page.after !== undefined) {
      where += ' and p.id > ?'
      params.push(page.after)
    }
    params.push(page.limit)
    const rows = await sql.rows(`select ${PROJECT_COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')} from projects p where ${where} order by p.id limit ?`, params)
    return rows.map(toProject)
  },
  stats: async (ids) => {
    const out = new Map<number, ProjectStats>()
    if (ids.length === 0) return out
    const rows = await sql.rows<{ id: number; members: string; tasks: string }>(
      `select p.id,
              (select count(*) from memberships m where m.project_id = p.id) as members,
              (select count(*) from tasks t where t.project_id = p.id) as tasks
         from projects p where p.id = any(?::int[])`,
      [ids],
    )
    for (const r of rows) out.set(Number(r.id), { memberCount: Number(r.members), taskCount: Number(r.tasks) })
    return out
  },
  insert: async (p) => {
    const r = await sql.one(
      `insert into projects (slug, key, name, description, owner_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?) returning ${PROJECT_COLUMNS}`,
      [p.slug, p.key, p.name, p.description, p.ownerId, p.createdAt, p.updatedAt],
    )
    return toProject(r ?? {}) as Project
  },
  update: async (p) => {
    await sql.run('update projects set slug = ?, key = ?, name = ?, description = ?, owner_id = ?, updated_at = ? where id = ?',
      [p.slug, p.key, p.name, p.description, p.ownerId, p.updatedAt, p.id])
  },
  delete: async (id) => {
    // Memberships, tasks (and their links), tokens and webhook endpoints go by ON DELETE CASCADE; the audit log
    // has no foreign keys, nor has the outbox (its deliveries and attempts cascade from the events).
    await sql.run('with events as (delete from webhook_events where project_id = ?) delete from projects where id = ?', [id, id])
  },
})
