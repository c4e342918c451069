import type { MemberReader, MemberWriter } from '../../../application/index.js'
import { UniqueViolation } from '../../../application/index.js'
import type { Membership } from '../../../domain/index.js'
import type { Tables } from './memory-db.js'
import { byNumber, keysetPage } from './keyset.js'

const key = (projectId: number, workerId: number): string => `${projectId}:${workerId}`

export const memoryMemberStore = (t: Tables): MemberReader & MemberWriter => {
  const ofProject = (projectId: number): Membership[] =>
    [...t.members.values()].filter((m) => m.projectId === projectId).sort((a, b) => a.workerId - b.workerId)
  return {
    find: async (projectId, workerId) => t.members.get(key(projectId, workerId)),
    list: async (projectId, page) => keysetPage(ofProject(projectId), (m) => m.workerId, byNumber, page),
    owners: async (projectId) =>
      ofProject(projectId)
        .filter((m) => m.role === 'owner')
        .sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime() || a.workerId - b.workerId),
    projectIdsOf: async (workerId) =>
      [...t.members.values()].filter((m) => m.workerId === workerId).map((m) => m.projectId).sort(byNumber),
    humanByEmail: async (projectId, email) =>
      ofProject(projectId).find((m) => {
        const w = t.workers.get(m.workerId)
        return w !== undefined && w.type === 'human' && w.email !== null && w.email.toLowerCase() === email.toLowerCase()
      })?.workerId,
    insert: async (membership) => {
      const k = key(membership.projectId, membership.workerId)
      if (t.members.has(k)) throw new UniqueViolation('membership')
      if (!t.projects.has(membership.projectId) || !t.workers.has(membership.workerId)) throw new Error('membership references a missing row')
      t.members.set(k, membership)
    },
    update: async (membership) => {
      t.members.set(key(membership.projectId, membership.workerId), membership)
    },
    delete: async (projectId, workerId) => {
      t.members.delete(key(projectId, workerId))
    },
  }
}
