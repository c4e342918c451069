import type { ExternalLinkReader, ExternalLinkWriter } from '../../../application/index.js'
import { UniqueViolation } from '../../../application/index.js'
import type { ExternalLink } from '../../../domain/index.js'
import type { Sequences, Tables } from './memory-db.js'

export const memoryLinkStore = (t: Tables, seq: Sequences): ExternalLinkReader & ExternalLinkWriter => {
  const all = (): ExternalLink[] => [...t.links.values()].sort((a, b) => a.id - b.id)
  return {
    find: async (projectId, source, externalId) =>
      all().find((l) => l.projectId === projectId && l.source === source && l.externalId === externalId),
    byTaskIds: async (taskIds) => {
      const wanted = new Set(taskIds)
      return all().filter((l) => wanted.has(l.taskId))
    },
    waitingForParent: async (projectId, source, parentExternalId) =>
      all().filter((l) => l.projectId === projectId && l.source === source && l.pendingParentExternalId === parentExternalId),
    waitingForAssignee: async (projectId, email) =>
      all().filter((l) => l.projectId === projectId && l.pendingAssigneeEmail === email.toLowerCase()),
    insert: async (draft) => {
      if (all().some((l) => l.projectId === draft.projectId && l.source === draft.source && l.externalId === draft.externalId)) {
        throw new UniqueViolation('external_link')
      }
      if (!t.tasks.has(draft.taskId)) throw new Error(`link references missing task ${draft.taskId}`)
      const link: ExternalLink = { ...draft, id: seq.next('link') }
      t.links.set(link.id, link)
      return link
    },
    update: async (link) => {
      t.links.set(link.id, link)
    },
  }
}
