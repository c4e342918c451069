import type { ProjectReader, ProjectWriter } from '../../../application/index.js'
import { UniqueViolation } from '../../../application/index.js'
import type { Project } from '../../../domain/index.js'
import type { Sequences, Tables } from './memory-db.js'
import { byNumber, keysetPage } from './keyset.js'

export const memoryProjectStore = (t: Tables, seq: Sequences): ProjectReader & ProjectWriter => {
  const all = (): Project[] => [...t.projects.values()]
  const prefixed = (values: string[], prefix: string) => new Set(values.filter((v) => v.startsWith(prefix)))
  return {
    byId: async (id) => t.projects.get(id),
    byIdWithMembership: async (id, workerId) => {
      const project = t.projects.get(id)
      return project && { project, membership: t.members.get(`${id}:${workerId}`) }
    },
    bySlug: async (slug) => all().find((p) => p.slug === slug),
    byKey: async (key) => all().find((p) => p.key === key),
    slugsStartingWith: async (prefix) => prefixed(all().map((p) => p.slug), prefix),
    keysStartingWith: async (prefix) => prefixed(all().map((p) => p.key), prefix),
    list: async (memberId, page) => {
      const visible = all()
        .filter((p) => memberId === 'all' || t.members.has(`${p.id}:${memberId}`))
        .sort((a, b) => a.id - b.id)
      return keysetPage(visible, (p) => p.id, byNumber, page)
    },
    stats: async (ids) => {
      const stats = new Map(ids.map((id) => [id, { memberCount: 0, taskCount: 0 }]))
      for (const m of t.members.values()) {
        const s = stats.get(m.projectId)
        if (s) stats.set(m.projectId, { ...s, memberCount: s.memberCount + 1 })
      }
      for (const task of t.tasks.values()) {
        const s = stats.get(task.projectId)
        if (s) stats.set(task.projectId, { ...s, taskCount: s.taskCount + 1 })
      }
      return stats
    },
    insert: async (draft) => {
      if (all().some((p) => p.slug === draft.slug)) throw new UniqueViolation('project_slug')
      if (all().some((p) => p.key === draft.key)) throw new UniqueViolation('project_key')
      const project: Project = { ...draft, id: seq.next('project') }
      t.projects.set(project.id, project)
      return project
    },
    update: async (project) => {
      t.projects.set(project.id, project)
    },
    delete: async (id) => {
      t.projects.delete(id)
      for (const [key, m] of t.members) if (m.projectId === id) t.members.delete(key)
      for (const [taskId, task] of t.tasks) if (task.projectId === id) t.tasks.delete(taskId)
      for (const [linkId, link] of t.links) if (link.projectId === id) t.links.delete(linkId)
      for (const [tokenId, token] of t.tokens) if (token.projectId === id) t.tokens.delete(tokenId)
      for (const [integrationId, integration] of t.integrations) {
        if (integration.projectId !== id) continue
        t.integrations.delete(integrationId)
        for (const key of [...t.deliveries.keys()]) if (key.startsWith(`${integrationId}:`)) t.deliveries.delete(key)
      }
      t.taskNumbers.delete(id)
    },
  }
}
