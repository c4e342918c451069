import type { TaskFilter, TaskReader, TaskWriter } from '../../../application/index.js'
import { ConcurrentUpdate } from '../../../application/index.js'
import type { Task, TaskId } from '../../../domain/index.js'
import type { Sequences, Tables } from './memory-db.js'
import { byNumber, keysetPage } from './keyset.js'

const matches = (task: Task, f: TaskFilter): boolean =>
  (f.status === undefined || task.status === f.status) &&
  (f.assigneeId === undefined || (f.assigneeId === 'none' ? task.assigneeId === null : task.assigneeId === f.assigneeId)) &&
  (f.priority === undefined || task.priority === f.priority) &&
  (f.tag === undefined || task.tags.includes(f.tag)) &&
  (f.parentId === undefined || (f.parentId === 'none' ? task.parentTaskId === null : task.parentTaskId === f.parentId)) &&
  (f.q === undefined || task.title.toLowerCase().includes(f.q.toLowerCase()))

export const memoryTaskStore = (t: Tables, seq: Sequences): Omit<TaskReader, 'detail'> & TaskWriter => {
  const all = (): Task[] => [...t.tasks.values()]
  const childrenOf = (id: TaskId): Task[] => all().filter((task) => task.parentTaskId === id).sort((a, b) => a.id - b.id)
  return {
    byId: async (id) => t.tasks.get(id),
    list: async (projectId, filter, page) =>
      keysetPage(all().filter((task) => task.projectId === projectId && matches(task, filter)).sort((a, b) => a.id - b.id), (x) => x.id, byNumber, page),
    children: async (parentId) => childrenOf(parentId),
    ancestorIds: async (id) => {
      const chain: TaskId[] = []
      const seen = new Set<TaskId>([id])
      let parent = t.tasks.get(id)?.parentTaskId ?? null
      while (parent !== null && !seen.has(parent)) {
        chain.push(parent)
        seen.add(parent)
        parent = t.tasks.get(parent)?.parentTaskId ?? null
      }
      return chain
    },
    descendantIds: async (id) => {
      const byParent = new Map<TaskId, TaskId[]>()
      for (const task of t.tasks.values()) {
        if (task.parentTaskId !== null) byParent.set(task.parentTaskId, [...(byParent.get(task.parentTaskId) ?? []), task.id])
      }
      const out: TaskId[] = []
      const queue = [...(byParent.get(id) ?? [])]
      while (queue.length > 0) {
        const next = queue.shift() as TaskId
        if (next === id || out.includes(next)) continue
        out.push(next)
        queue.push(...(byParent.get(next) ?? []))
      }
      return out
    },
    countInProject: async (projectId) => all().filter((task) => task.projectId === projectId).length,
    assignedTo: async (workerId, projectId) =>
      all().filter((task) => task.assigneeId === workerId && (projectId === undefined || task.projectId === projectId)).sort((a, b) => a.id - b.id),
    insert: async (draft) => {
      if (!t.projects.has(draft.projectId)) throw new Error(`task references missing project ${draft.projectId}`)
      const number = (t.taskNumbers.get(draft.projectId) ?? 0) + 1
      t.taskNumbers.set(draft.projectId, number)
      const task: Task = { ...draft, id: seq.next('task'), number }
      t.tasks.set(task.id, task)
      return task
    },
    update: async (task, expectedVersion) => {
      const stored = t.tasks.get(task.id)
      if (!stored || stored.version !== expectedVersion) throw new ConcurrentUpdate('task', task.id)
      t.tasks.set(task.id, task)
    },
    delete: async (ids) => {
      const gone = new Set(ids)
      for (const id of ids) t.tasks.delete(id)
      for (const [linkId, link] of t.links) if (gone.has(link.taskId)) t.links.delete(linkId)
      // As ON DELETE SET NULL: children outside the deleted set become top-level.
      for (const [id, task] of t.tasks) if (task.parentTaskId !== null && gone.has(task.parentTaskId)) t.tasks.set(id, { ...task, parentTaskId: null })
    },
  }
}
