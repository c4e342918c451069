import type { WorkerReader, WorkerWriter } from '../../../application/index.js'
import type { Worker } from '../../../domain/index.js'
import { WORKER_COLUMNS, toWorker } from './records.js'
import type { Sql } from './sql.js'

export const pgWorkerStore = (sql: Sql): WorkerReader & WorkerWriter => {
  const by = async (column: string, value: unknown) => {
    const r = await sql.one(`select ${WORKER_COLUMNS} from workers where ${column} = ?`, [value])
    return r && toWorker(r)
  }
  return {
    byId: (id) => by('id', id),
    byUserId: (userId) => by('user_id', userId),
    byHandle: (handle) => by('handle', handle),
    byIds: async (ids) => {
      if (ids.length === 0) return new Map()
      const rows = await sql.rows(`select ${WORKER_COLUMNS} from workers where id = any(?::int[])`, [ids])
      return new Map(rows.map((r) => [Number(r.id), toWorker(r)]))
    },
    handlesStartingWith: async (prefix) =>
      new Set((await sql.rows<{ handle: string }>('select handle from workers where handle like ?', [`${prefix.replace(/[\\%_]/g, '\\$&')}%`])).map((r) => r.handle)),
    listAgents: async (page) => {
      const rows = page.after === undefined
        ? await sql.rows(`select ${WORKER_COLUMNS} from workers where type = 'agent' order by id limit ?`, [page.limit])
        : await sql.rows(`select ${WORKER_COLUMNS} from workers where type = 'agent' and id > ? order by id limit ?`, [page.after, page.limit])
      return rows.map(toWorker)
    },
    insert: async (w) => {
      const r = await sql.one(
        `insert into workers (type, handle, name, email, user_id, agent_type, capabilities, created_by_id, first_seen_at, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?, ?) returning ${WORKER_COLUMNS}`,
        [w.type, w.handle, w.name, w.email, w.userId, w.agentType, [...w.capabilities], w.createdById, w.firstSeenAt, w.createdAt, w.updatedAt],
      )
      return toWorker(r ?? {}) as Worker
    },
    update: async (w) => {
      await sql.run(
        'update workers set handle = ?, name = ?, email = ?, user_id = ?, agent_type = ?, capabilities = ?::text[], first_seen_at = ?, updated_at = ? where id = ?',
        [w.handle, w.name, w.email, w.userId, w.agentType, [...w.capabilities], w.firstSeenAt, w.updatedAt, w.id],
      )
    },
    delete: async (id) => {
      // Memberships cascade; tasks keep created_by_id / assignee_id null (ON DELETE SET NULL).
      await sql.run('delete from workers where id = ?', [id])
    },
  }
}
