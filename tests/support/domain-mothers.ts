// Valid domain entities with fixed dates, overridable field by field ("object mothers").
import type { ApiToken, Membership, Project, Task, Worker } from '../../src/domain/index.js'

export const T0 = new Date('2026-11-22T10:00:00.000Z')
export const T1 = new Date('2026-11-22T11:00:00.000Z')

export const taskMother = (overrides: Partial<Task> = {}): Task => ({
  id: 1, projectId: 1, number: 1, title: 'Write the docs', description: null, status: 'pending', priority: 'medium',
  tags: [], dueDate: null, storyPoints: null, assigneeId: null, parentTaskId: null, progressPercent: 0,
  rollupProgressPercent: 0, version: 1, createdById: 7, startedAt: null, completedAt: null, createdAt: T0, updatedAt: T0,
  ...overrides,
})

export const projectMother = (overrides: Partial<Project> = {}): Project => ({
  id: 1, slug: 'web-app', key: 'WA', name: 'Web app', description: null, ownerId: 7, createdAt: T0, updatedAt: T0, ...overrides,
})

export const humanMother = (overrides: Partial<Worker> = {}): Worker => ({
  id: 7, type: 'human', handle: '@sarah', name: 'Sarah', email: 'sarah@example.com', userId: 'sso|sarah', agentType: null,
  capabilities: [], createdById: null, firstSeenAt: T0, createdAt: T0, updatedAt: T0, ...overrides,
})

export const agentMother = (overrides: Partial<Worker> = {}): Worker => ({
  id: 9, type: 'agent', handle: '@claude-code', name: 'Claude Code', email: null, userId: null, agentType: 'claude',
  capabilities: ['code'], createdById: 7, firstSeenAt: null, createdAt: T0, updatedAt: T0, ...overrides,
})

export const membershipMother = (overrides: Partial<Membership> = {}): Membership => ({
  projectId: 1, workerId: 7, role: 'member', joinedAt: T0, ...overrides,
})

export const tokenMother = (overrides: Partial<ApiToken> = {}): ApiToken => ({
  id: '00000000-0000-4000-8000-000000000001', projectId: 1, name: 'jira', tokenHash: 'a'.repeat(64), statusMap: {},
  createdById: 7, createdAt: T0, lastUsedAt: null, revokedAt: null, ...overrides,
})
