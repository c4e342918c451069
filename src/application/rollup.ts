// Keeps the stored rollup progress true after a change: the changed task itself, then each ancestor,
// stopping at the first ancestor whose value does not move (above it nothing can change).
import { withRollup, type TaskId } from '../domain/index.js'
import type { Stores } from './ports/index.js'

export const refreshRollup = async (stores: Stores, startId: TaskId | null): Promise<void> => {
  if (startId === null) return
  const chain = [startId, ...(await stores.tasks.ancestorIds(startId))]
  for (const [index, id] of chain.entries()) {
    const task = await stores.tasks.byId(id)
    if (!task) return
    const next = withRollup(task, await stores.tasks.children(id))
    if (next !== task) await stores.tasks.update(next, task.version)
    // The first task's parent depends on its status as well as its rollup, so the walk always reaches it.
    else if (index > 0) return
  }
}
