import type { NewTask, Priority, ProjectId, Task, TaskId, TaskStatus, WorkerId } from '../../domain/index.js'
import type { KeysetQuery } from './pagination.port.js'

export interface TaskFilter {
  readonly status?: TaskStatus
  /** A worker id, or 'none' for unassigned tasks. */
  readonly assigneeId?: WorkerId | 'none'
  readonly priority?: Priority
  readonly tag?: string
  /** A parent id, or 'none' for top-level tasks. */
  readonly parentId?: TaskId | 'none'
  /** Case-insensitive substring of the title. */
  readonly q?: string
}

export interface TaskReader {
  byId(id: TaskId): Promise<Task | undefined>
  /** Tasks of a project matching the filter, ordered by id (= by number). */
  list(projectId: ProjectId, filter: TaskFilter, page: KeysetQuery<TaskId>): Promise<readonly Task[]>
  /** Direct children, ordered by id. */
  children(parentId: TaskId): Promise<readonly Task[]>
  /** The chain of parents upwards (parent first, root last), in one round trip whatever the depth. */
  ancestorIds(id: TaskId): Promise<readonly TaskId[]>
  /** Every task below `id` (children, grand-children, …), in one round trip. */
  descendantIds(id: TaskId): Promise<readonly TaskId[]>
  countInProject(projectId: ProjectId): Promise<number>
  /** Tasks assigned to the worker, in one project or (undefined) in all. */
  assignedTo(workerId: WorkerId, projectId?: ProjectId): Promise<readonly Task[]>
}

export interface TaskWriter {
  /** Gives the task its id and the project's next number (no gaps, no duplicates). */
  insert(task: NewTask): Promise<Task>
  /** Writes the task if its stored version is still `expectedVersion`; otherwise throws ConcurrentUpdate. */
  update(task: Task, expectedVersion: number): Promise<void>
  /** Deletes these tasks and their links; their children outside `ids` become top-level. */
  delete(ids: readonly TaskId[]): Promise<void>
}
