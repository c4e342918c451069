// Read models returned by the use cases: entities plus what a client needs next to them (short ids,
// handles, links, counts), fetched in batches so a page costs a fixed number of queries.
import {
  shortId, type AuditEntry, type ExternalLink, type Membership, type Project, type Role, type LinkSource, type Task, type Worker,
} from '../domain/index.js'
import type { Stores } from './ports/index.js'

export interface ExternalLinkView {
  readonly source: LinkSource
  readonly externalId: string
  readonly externalUrl: string | null
}

export interface TaskView {
  readonly task: Task
  readonly shortId: string
  readonly assigneeHandle: string | null
  readonly externalLinks: readonly ExternalLinkView[]
}

export interface TaskDetail extends TaskView {
  readonly subtasks: readonly TaskView[]
  /** Latest 10 entries, newest first. */
  readonly recentAudit: readonly AuditEntry[]
}

export interface ProjectView {
  readonly project: Project
  /** The owner's SSO user id. */
  readonly ownerUserId: string | null
  readonly memberCount: number
  readonly taskCount: number
}

export interface MemberView {
  readonly worker: Worker
  readonly role: Role
  readonly joinedAt: Date
}

const linkView = (link: ExternalLink): ExternalLinkView => ({
  source: link.source,
  externalId: link.externalId,
  externalUrl: link.externalUrl,
})

/** Views of tasks of one project: two queries whatever the number of tasks. */
export const taskViews = async (stores: Stores, project: Project, tasks: readonly Task[]): Promise<readonly TaskView[]> => {
  if (tasks.length === 0) return []
  const assigneeIds = [...new Set(tasks.flatMap((t) => (t.assigneeId === null ? [] : [t.assigneeId])))]
  const [assignees, links] = await Promise.all([
    stores.workers.byIds(assigneeIds),
    stores.links.byTaskIds(tasks.map((t) => t.id)),
  ])
  return assembleTaskViews(project, tasks, assignees, links)
}

/** Views from tasks and what was read beside them (no store calls). */
export const assembleTaskViews = (
  project: Project,
  tasks: readonly Task[],
  assignees: ReadonlyMap<number, Worker>,
  links: readonly ExternalLink[],
): readonly TaskView[] =>
  tasks.map((task) => ({
    task,
    shortId: shortId(project.key, task),
    assigneeHandle: task.assigneeId === null ? null : (assignees.get(task.assigneeId)?.handle ?? null),
    externalLinks: links.filter((l) => l.taskId === task.id).map(linkView),
  }))

export const taskView = async (stores: Stores, project: Project, task: Task): Promise<TaskView> => {
  const [view] = await taskViews(stores, project, [task])
  return view as TaskView
}

export const projectViews = async (stores: Stores, projects: readonly Project[]): Promise<readonly ProjectView[]> => {
  if (projects.length === 0) return []
  const [stats, owners] = await Promise.all([
    stores.projects.stats(projects.map((p) => p.id)),
    stores.workers.byIds([...new Set(projects.map((p) => p.ownerId))]),
  ])
  return projects.map((project) => ({
    project,
    ownerUserId: owners.get(project.ownerId)?.userId ?? null,
    memberCount: stats.get(project.id)?.memberCount ?? 0,
    taskCount: stats.get(project.id)?.taskCount ?? 0,
  }))
}

export const projectView = async (stores: Stores, project: Project): Promise<ProjectView> => {
  const [view] = await projectViews(stores, [project])
  return view as ProjectView
}

export const memberViews = async (stores: Stores, memberships: readonly Membership[]): Promise<readonly MemberView[]> => {
  const workers = await stores.workers.byIds(memberships.map((m) => m.workerId))
  return memberships.flatMap((m) => {
    const worker = workers.get(m.workerId)
    return worker ? [{ worker, role: m.role, joinedAt: m.joinedAt }] : []
  })
}
