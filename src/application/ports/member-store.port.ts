import type { Membership, ProjectId, WorkerId } from '../../domain/index.js'
import type { KeysetQuery } from './pagination.port.js'

export interface MemberReader {
  find(projectId: ProjectId, workerId: WorkerId): Promise<Membership | undefined>
  /** Members of a project ordered by worker id. */
  list(projectId: ProjectId, page: KeysetQuery<WorkerId>): Promise<readonly Membership[]>
  /** The project's owners, earliest joined first. */
  owners(projectId: ProjectId): Promise<readonly Membership[]>
  /** Every project the worker belongs to. */
  projectIdsOf(workerId: WorkerId): Promise<readonly ProjectId[]>
  /** The human member of the project with this (lower-cased) email, if any. */
  humanByEmail(projectId: ProjectId, email: string): Promise<WorkerId | undefined>
}

export interface MemberWriter {
  /** Throws UniqueViolation('membership') when the worker is already a member. */
  insert(membership: Membership): Promise<void>
  update(membership: Membership): Promise<void>
  delete(projectId: ProjectId, workerId: WorkerId): Promise<void>
}
