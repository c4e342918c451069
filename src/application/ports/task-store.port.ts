import type {
  AuditEntry, ExternalLink, Membership, NewTask, Priority, Project, ProjectId, Task, TaskId, TaskStatus, Worker, WorkerId,
} from '../../domain/index.js'
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

/** Everything a task's detail view needs, read at once (the most frequent request of the API). */
export interface TaskDetailRecord {
  readonly task: Task
  readonly project: Project
  /** The asking worker's membership of the task's project; undefined when they are not a member. */
  readonly membership: Membership | undefined
  /** Direct children, ordered by id. */
  readonly children: readonly Task[]
  /** The task's latest audit entries, newest first. */
  readonly recentAudit: readonly AuditEntry[]
  /** The external links of the task and of its children. */
  readonly links: readonly ExternalLink[]
  /** The assignees of the task and of its children. */
  readonly assignees: readonly Worker[]
}

export interface TaskReader {
  byId(id: TaskId): Promise<Task | undefined>
  /** The task's detail record for `workerId`, in one round trip (undefined when there is no such task). */
  detail(id: TaskId, workerId: WorkerId, auditSize: number): Promise<TaskDetailRecord | undefined>
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
