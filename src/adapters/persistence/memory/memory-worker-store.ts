import type { WorkerReader, WorkerWriter } from '../../../application/index.js'
import { UniqueViolation } from '../../../application/index.js'
import type { Worker, WorkerId } from '../../../domain/index.js'
import type { Sequences, Tables } from './memory-db.js'
import { byNumber, keysetPage } from './keyset.js'

export const memoryWorkerStore = (t: Tables, seq: Sequences): WorkerReader & WorkerWriter => {
  const all = (): Worker[] => [...t.workers.values()]
  const checkUnique = (w: Omit<Worker, 'id'>, id?: WorkerId) => {
    if (all().some((o) => o.id !== id && o.handle === w.handle)) throw new UniqueViolation('worker_handle')
    if (w.userId !== null && all().some((o) => o.id !== id && o.userId === w.userId)) throw new UniqueViolation('worker_user_id')
  }
  return {
    byId: async (id) => t.workers.get(id),
    byIds: async (ids) => new Map(ids.flatMap((id) => {
      const w = t.workers.get(id)
      return w ? [[id, w] as const] : []
    })),
    byUserId: async (userId) => all().find((w) => w.userId === userId),
    byHandle: async (handle) => all().find((w) => w.handle === handle),
    handlesStartingWith: async (prefix) => new Set(all().map((w) => w.handle).filter((h) => h.startsWith(prefix))),
    listAgents: async (page) =>
      keysetPage(all().filter((w) => w.type === 'agent').sort((a, b) => a.id - b.id), (w) => w.id, byNumber, page),
    insert: async (draft) => {
      checkUnique(draft)
      const worker: Worker = { ...draft, id: seq.next('worker') }
      t.workers.set(worker.id, worker)
      return worker
    },
    update: async (worker) => {
      checkUnique(worker, worker.id)
      t.workers.set(worker.id, worker)
    },
    delete: async (id) => {
      t.workers.delete(id)
      for (const [key, m] of t.members) if (m.workerId === id) t.members.delete(key)
      for (const [taskId, task] of t.tasks) {
        if (task.createdById === id) t.tasks.set(taskId, { ...task, createdById: null })
        if (task.assigneeId === id) t.tasks.set(taskId, { ...(t.tasks.get(taskId) ?? task), assigneeId: null })
      }
      // As ON DELETE SET NULL: agents they registered and tokens they created stay, without a creator.
      for (const [workerId, worker] of t.workers) if (worker.createdById === id) t.workers.set(workerId, { ...worker, createdById: null })
      for (const [tokenId, token] of t.tokens) if (token.createdById === id) t.tokens.set(tokenId, { ...token, createdById: null })
      for (const [iid, integration] of t.integrations) if (integration.createdById === id) t.integrations.set(iid, { ...integration, createdById: null })
    },
  }
}
