// Assignment: only to a member of the task's project, human or agent alike.
import * as E from 'fp-ts/lib/Either.js'
import type { DomainError } from './errors.js'
import type { WorkerId } from './ids.js'
import type { Membership } from './membership.js'
import type { Project } from './project.js'
import { touch, type Task } from './task.js'
import type { Worker } from './worker.js'

/**
 * `worker` is the worker with id `assigneeId` (undefined if there is none), `membership` their membership
 * of the project (undefined if they are not a member).
 */
export const checkAssignee = (
  project: Pick<Project, 'slug'>,
  assigneeId: WorkerId,
  worker: Worker | undefined,
  membership: Membership | undefined,
): E.Either<DomainError, Worker> => {
  if (worker === undefined) return E.left({ _tag: 'AssigneeNotFound', workerId: assigneeId })
  if (membership === undefined) {
    return E.left({ _tag: 'NotAProjectMember', workerType: worker.type, handle: worker.handle, projectSlug: project.slug })
  }
  return E.right(worker)
}

export const assign = (task: Task, assigneeId: WorkerId | null, now: Date): Task =>
  touch(task, { ...task, assigneeId }, now)
