import type { AuditAction, AuditEntityType, AuditEntry, NewAuditEntry, ProjectId, TaskId } from '../../domain/index.js'
import type { KeysetQuery } from './pagination.port.js'

export interface AuditFilter {
  /** Worker id or API token id, as text. */
  readonly actorId?: string
  readonly action?: AuditAction
  readonly entityType?: AuditEntityType
}

/** Append-only: there is no update and no delete. */
export interface AuditWriter {
  append(entry: NewAuditEntry): Promise<AuditEntry>
}

export interface AuditReader {
  /** A task's entries, oldest first. */
  forTask(taskId: TaskId, page: KeysetQuery<number>): Promise<readonly AuditEntry[]>
  /** A task's latest entries, newest first. */
  recentForTask(taskId: TaskId, limit: number): Promise<readonly AuditEntry[]>
  /** A project's entries, newest first. */
  forProject(projectId: ProjectId, filter: AuditFilter, page: KeysetQuery<number>): Promise<readonly AuditEntry[]>
  /** One actor's entries in these projects ('all' for platform admins), newest first. */
  byActor(actorId: string, projectIds: readonly ProjectId[] | 'all', page: KeysetQuery<number>): Promise<readonly AuditEntry[]>
}
