// Keeps the stored rollup progress true after a change: the changed task itself, then its parent, grand-parent…
// stopping at the first ancestor whose value does not move (above it nothing can change). Usually that is one
// or two store calls; the walk never needs the whole chain.
import { withRollup, type Task, type TaskId } from '../domain/index.js'
import type { Stores } from './ports/index.js'

/** Returns the start task as stored after the refresh when its own rollup moved, else undefined. */
export const refreshRollup = async (stores: Stores, start: Task | TaskId | null): Promise<Task | undefined> => {
  if (start === null) return undefined
  let task = typeof start === 'number' ? await stores.tasks.byId(start) : start
  let refreshedStart: Task | undefined
  for (let first = true; task; first = false) {
    const next = withRollup(task, await stores.tasks.children(task.id))
    if (next !== task) {
      await stores.tasks.update(next, task.version)
      if (first) refreshedStart = next
    } else if (!first) {
      // The first task's parent depends on its status as well as its rollup, so the walk always reaches it.
      return refreshedStart
    }
    if (task.parentTaskId === null) return refreshedStart
    task = await stores.tasks.byId(task.parentTaskId)
  }
  return refreshedStart
}
