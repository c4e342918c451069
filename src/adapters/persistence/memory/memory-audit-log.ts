import type { AuditReader, AuditWriter } from '../../../application/index.js'
import type { AuditEntry } from '../../../domain/index.js'
import type { Sequences, Tables } from './memory-db.js'
import { byNumber, descending, keysetPage } from './keyset.js'

/** Append-only: entries are frozen and there is no way to change or remove one. */
export const memoryAuditLog = (t: Tables, seq: Sequences): AuditReader & AuditWriter => {
  const newestFirst = (rows: AuditEntry[]) => [...rows].sort((a, b) => b.id - a.id)
  return {
    append: async (draft) => {
      const entry: AuditEntry = Object.freeze({ ...draft, id: seq.next('audit') })
      t.audit.push(entry)
      return entry
    },
    forTask: async (taskId, page) =>
      keysetPage(t.audit.filter((e) => e.entityType === 'task' && e.entityId === String(taskId)), (e) => e.id, byNumber, page),
    recentForTask: async (taskId, limit) =>
      newestFirst(t.audit.filter((e) => e.entityType === 'task' && e.entityId === String(taskId))).slice(0, limit),
    forProject: async (projectId, filter, page) =>
      keysetPage(
        newestFirst(t.audit.filter((e) =>
          e.projectId === projectId &&
          (filter.actorId === undefined || String(e.actor.id) === filter.actorId) &&
          (filter.action === undefined || e.action === filter.action) &&
          (filter.entityType === undefined || e.entityType === filter.entityType))),
        (e) => e.id,
        descending,
        page,
      ),
    byActor: async (actorId, projectIds, page) => {
      const scope = projectIds === 'all' ? undefined : new Set(projectIds)
      return keysetPage(
        newestFirst(t.audit.filter((e) =>
          String(e.actor.id) === actorId && (scope === undefined || (e.projectId !== null && scope.has(e.projectId))))),
        (e) => e.id,
        descending,
        page,
      )
    },
  }
}
