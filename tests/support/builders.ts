// Builders ("object mothers") for valid domain entities, with fixed dates and ids, overridable field by field.
// Every builder returns an entity the domain's own validation accepts; shared by the domain and application tests.
import type {
  ApiToken, AuditActor, ExternalLink, Membership, Project, ProjectAccess, Role, Task, TaskStatus, Worker,
} from '../../src/domain/index.js'

/** Fixed instants, one hour apart. */
export const T0 = new Date('2026-11-22T10:00:00.000Z')
export const T1 = new Date('2026-11-22T11:00:00.000Z')
export const T2 = new Date('2026-11-22T12:00:00.000Z')

/** `seconds` after `from` (default T0): for sequences of distinct, ordered instants. */
export const later = (seconds: number, from: Date = T0): Date => new Date(from.getTime() + seconds * 1000)

/** The ids the builders use by default, so that tests can refer to them by name. */
export const IDS = {
  project: 1,
  task: 1,
  human: 7,
  otherHuman: 8,
  agent: 9,
  token: '00000000-0000-4000-8000-000000000001',
} as const

const STARTED: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['in_progress', 'review', 'completed'])

/**
 * A task of project 1, `pending`, created by worker 7 at T0, version 1. The status-dependent fields follow the
 * status unless overridden: `in_progress`/`review`/`completed` have `startedAt` T0; `completed` has
 * `completedAt` T0 and 100 %.
 */
export const aTask = (overrides: Partial<Task> = {}): Task => {
  const status = overrides.status ?? 'pending'
  const done = status === 'completed'
  return {
    id: IDS.task,
    projectId: IDS.project,
    number: 1,
    title: 'Write the docs',
    description: null,
    status,
    priority: 'medium',
    tags: [],
    dueDate: null,
    storyPoints: null,
    assigneeId: null,
    parentTaskId: null,
    progressPercent: done ? 100 : 0,
    rollupProgressPercent: done ? 100 : 0,
    version: 1,
    createdById: IDS.human,
    startedAt: STARTED.has(status) ? T0 : null,
    completedAt: done ? T0 : null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  }
}

/** Project 1, `web-app` / `WA`, owned by worker 7. */
export const aProject = (overrides: Partial<Project> = {}): Project => ({
  id: IDS.project,
  slug: 'web-app',
  key: 'WA',
  name: 'Web app',
  description: null,
  ownerId: IDS.human,
  createdAt: T0,
  updatedAt: T0,
  ...overrides,
})

/** A human worker: 7, `@sarah`, seen first at T0. */
export const aWorker = (overrides: Partial<Worker> = {}): Worker => ({
  id: IDS.human,
  type: 'human',
  handle: '@sarah',
  name: 'Sarah',
  email: 'sarah@example.com',
  userId: 'sso|sarah',
  agentType: null,
  capabilities: [],
  createdById: null,
  firstSeenAt: T0,
  createdAt: T0,
  updatedAt: T0,
  ...overrides,
})

export const aHuman = aWorker

/** An AI agent: 9, `@claude-code`, registered by worker 7. */
export const anAgent = (overrides: Partial<Worker> = {}): Worker => ({
  id: IDS.agent,
  type: 'agent',
  handle: '@claude-code',
  name: 'Claude Code',
  email: null,
  userId: null,
  agentType: 'claude',
  capabilities: ['code'],
  createdById: IDS.human,
  firstSeenAt: null,
  createdAt: T0,
  updatedAt: T0,
  ...overrides,
})

/** Worker 7 as a `member` of project 1. */
export const aMembership = (overrides: Partial<Membership> = {}): Membership => ({
  projectId: IDS.project,
  workerId: IDS.human,
  role: 'member',
  joinedAt: T0,
  ...overrides,
})

/** What a caller may do in a project (worker 7 unless told otherwise; `null` for an API token). */
export const anAccess = (role: Role, workerId: number | null = IDS.human): ProjectAccess => ({ role, workerId })

/** An active token of project 1 named `jira`, with an empty status map. */
export const anApiToken = (overrides: Partial<ApiToken> = {}): ApiToken => ({
  id: IDS.token,
  projectId: IDS.project,
  name: 'jira',
  tokenHash: 'a'.repeat(64),
  statusMap: {},
  createdById: IDS.human,
  createdAt: T0,
  lastUsedAt: null,
  revokedAt: null,
  ...overrides,
})

/** Task 1's link to Jira issue `PROJ-1`, nothing pending. */
export const anExternalLink = (overrides: Partial<ExternalLink> = {}): ExternalLink => ({
  id: 1,
  projectId: IDS.project,
  taskId: IDS.task,
  source: 'jira',
  externalId: 'PROJ-1',
  externalUrl: 'https://jira.example.com/browse/PROJ-1',
  pendingAssigneeEmail: null,
  pendingParentExternalId: null,
  sourceUpdatedAt: null,
  createdAt: T0,
  updatedAt: T0,
  ...overrides,
})

export const humanActor = (id: number = IDS.human): AuditActor => ({ type: 'human', id })
export const agentActor = (id: number = IDS.agent): AuditActor => ({ type: 'agent', id })
export const tokenActor = (id: string = IDS.token): AuditActor => ({ type: 'api_token', id })
