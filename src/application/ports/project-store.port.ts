import type { Membership, NewProject, Project, ProjectId, WorkerId } from '../../domain/index.js'
import type { KeysetQuery } from './pagination.port.js'

export interface ProjectStats {
  readonly memberCount: number
  readonly taskCount: number
}

export interface ProjectReader {
  byId(id: ProjectId): Promise<Project | undefined>
  /** The project and the worker's membership of it (undefined when not a member), in one read. */
  byIdWithMembership(id: ProjectId, workerId: WorkerId): Promise<{ readonly project: Project; readonly membership: Membership | undefined } | undefined>
  bySlug(slug: string): Promise<Project | undefined>
  byKey(key: string): Promise<Project | undefined>
  /** Slugs equal to or starting with `prefix` (to make a derived slug unique). */
  slugsStartingWith(prefix: string): Promise<ReadonlySet<string>>
  keysStartingWith(prefix: string): Promise<ReadonlySet<string>>
  /** Projects the worker is a member of ('all' for platform admins), ordered by id. */
  list(memberId: WorkerId | 'all', page: KeysetQuery<ProjectId>): Promise<readonly Project[]>
  /** Member and task counts of several projects in one query. */
  stats(ids: readonly ProjectId[]): Promise<ReadonlyMap<ProjectId, ProjectStats>>
}

export interface ProjectWriter {
  /** Throws UniqueViolation('project_slug' | 'project_key'). */
  insert(project: NewProject): Promise<Project>
  update(project: Project): Promise<void>
  /** Deletes the project with its memberships, tasks, links and tokens (its audit entries stay). */
  delete(id: ProjectId): Promise<void>
}
