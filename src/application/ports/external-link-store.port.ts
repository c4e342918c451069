import type { ExternalLink, NewExternalLink, LinkSource, ProjectId, SyncSource, TaskId } from '../../domain/index.js'

export interface ExternalLinkReader {
  find(projectId: ProjectId, source: LinkSource, externalId: string): Promise<ExternalLink | undefined>
  byTaskIds(taskIds: readonly TaskId[]): Promise<readonly ExternalLink[]>
  /** Links whose task waits for the parent with this external id. */
  waitingForParent(projectId: ProjectId, source: LinkSource, parentExternalId: string): Promise<readonly ExternalLink[]>
  /** Links whose task waits for an assignee with this (lower-cased) email. */
  waitingForAssignee(projectId: ProjectId, email: string): Promise<readonly ExternalLink[]>
}

export interface ExternalLinkWriter {
  /** Throws UniqueViolation('external_link') when (project, source, external id) exists. */
  insert(link: NewExternalLink): Promise<ExternalLink>
  update(link: ExternalLink): Promise<void>
}
