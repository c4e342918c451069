// The status workflow of ../shared/contract/API.md ("Status workflow"), written out again on purpose: the domain
// must match the contract, not itself. Not a test file: imported by the domain and application workflow tests.
import type { TaskStatus } from '../../src/domain/index.js'

export const STATUSES: readonly TaskStatus[] = ['backlog', 'pending', 'in_progress', 'review', 'blocked', 'completed', 'cancelled']

/** Every edge of the contract's table. */
export const TABLE: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  backlog: ['pending', 'in_progress', 'cancelled'],
  pending: ['in_progress', 'blocked', 'backlog', 'cancelled'],
  in_progress: ['review', 'completed', 'blocked', 'pending'],
  review: ['completed', 'in_progress'],
  blocked: ['in_progress', 'pending', 'cancelled'],
  completed: ['in_progress'],
  cancelled: ['backlog', 'pending'],
}

/** The edges a plain status change may take: the table minus review -> completed / review -> in_progress. */
export const PLAIN: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = { ...TABLE, review: [] }

export const pairs = (): Array<[TaskStatus, TaskStatus]> => STATUSES.flatMap((from) => STATUSES.map((to): [TaskStatus, TaskStatus] => [from, to]))
