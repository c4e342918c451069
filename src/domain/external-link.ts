// External link: ties a task to its record in Jira, Linear, GitHub or a custom tool, with what a sync
// could not apply yet (an assignee who is not a member, a parent that has not arrived).
import type { ProjectId, TaskId } from './ids.js'

export const SYNC_SOURCES = ['jira', 'linear', 'github', 'custom'] as const
export type SyncSource = (typeof SYNC_SOURCES)[number]
export const isSyncSource = (value: string): value is SyncSource => (SYNC_SOURCES as readonly string[]).includes(value)

/** Where a link may point: the task-sync sources, plus Asana (outbound push only). */
export const LINK_SOURCES = [...SYNC_SOURCES, 'asana'] as const
export type LinkSource = (typeof LINK_SOURCES)[number]

export interface ExternalLink {
  readonly id: number
  readonly projectId: ProjectId
  readonly taskId: TaskId
  readonly source: LinkSource
  readonly externalId: string
  readonly externalUrl: string | null
  /** Lower-cased email of an assignee who is not a project member yet. */
  readonly pendingAssigneeEmail: string | null
  /** External id of a parent that has not been pushed yet (same project, same source). */
  readonly pendingParentExternalId: string | null
  /** The source's `updated_at` of the last applied push; older pushes are ignored. */
  readonly sourceUpdatedAt: Date | null
  readonly createdAt: Date
  readonly updatedAt: Date
}

export type NewExternalLink = Omit<ExternalLink, 'id'>
