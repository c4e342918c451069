import type { MemberReader, MemberWriter } from '../../../application/index.js'
import { MEMBERSHIP_COLUMNS, toMembership } from './records.js'
import type { Sql } from './sql.js'

export const pgMemberStore = (sql: Sql): MemberReader & MemberWriter => ({
  find: async (projectId, workerId) => {
    const r = await sql.one(`select ${MEMBERSHIP_COLUMNS} from memberships where project_id = ? and worker_id = ?`, [projectId, workerId])
    return r && toMembership(r)
  },
  list: async (projectId, page) => {
    const rows = page.after === undefined
      ? await sql.rows(`select ${MEMBERSHIP_COLUMNS} from memberships where project_id = ? order by worker_id limit ?`, [projectId, page.limit])
      : await sql.rows(`select ${MEMBERSHIP_COLUMNS} from memberships where project_id = ? and worker_id > ? order by worker_id limit ?`, [projectId, page.after, page.limit])
    return rows.map(toMembership)
  },
  owners: async (projectId) =>
    (await sql.rows(`select ${MEMBERSHIP_COLUMNS} from memberships where project_id = ? and role = 'owner' order by joined_at, worker_id`, [projectId])).map(toMembership),
  projectIdsOf: async (workerId) =>
    (await sql.rows<{ project_id: number }>('select project_id from memberships where worker_id = ? order by project_id', [workerId])).map((r) => Number(r.project_id)),
  humanByEmail: async (projectId, email) => {
    const r = await sql.one<{ id: number }>(
      `select w.id from memberships m join workers w on w.id = m.worker_id
        where m.project_id = ? and w.type = 'human' and lower(w.email) = lower(?) order by w.id limit 1`,
      [projectId, email],
    )
    return r ? Number(r.id) : undefined
  },
  insert: async (m) => {
    await sql.run('insert into memberships (project_id, worker_id, role, joined_at) values (?, ?, ?, ?)', [m.projectId, m.workerId, m.role, m.joinedAt])
  },
  update: async (m) => {
    await sql.run('update memberships set role = ? where project_id = ? and worker_id = ?', [m.role, m.projectId, m.workerId])
  },
  delete: async (projectId, workerId) => {
    await sql.run('delete from memberships where project_id = ? and worker_id = ?', [projectId, workerId])
  },
})
