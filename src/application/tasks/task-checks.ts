// Checks that need the stores: the assignee is a member of the project; the parent exists, lives in the
// same project and is not below the task (the ancestor chain comes from one store call).
import * as E from 'fp-ts/lib/Either.js'
import { checkAssignee, checkParent, invalidField, type Project, type Task, type WorkerId } from '../../domain/index.js'
import type { AppError } from '../errors.js'
import type { Stores } from '../ports/index.js'

export const checkAssigneeOf = async (stores: Stores, project: Project, assigneeId: WorkerId | null | undefined): Promise<E.Either<AppError, void>> => {
  if (assigneeId === null || assigneeId === undefined) return E.right(undefined)
  const worker = await stores.workers.byId(assigneeId)
  const membership = worker ? await stores.members.find(project.id, assigneeId) : undefined
  const checked = checkAssignee(project, assigneeId, worker, membership)
  return E.isLeft(checked) ? checked : E.right(undefined)
}

/** `child` is the task (or, for a new one, just its project) that would get `parentId` as parent. */
export const checkParentOf = async (
  stores: Stores,
  child: { readonly id?: number; readonly projectId: number },
  parentId: number | null | undefined,
): Promise<E.Either<AppError, Task | undefined>> => {
  if (parentId === null || parentId === undefined) return E.right(undefined)
  const parent = await stores.tasks.byId(parentId)
  if (!parent) return E.left(invalidField('parent_task_id', `task ${parentId} does not exist`))
  const ancestors = child.id === undefined ? [] : await stores.tasks.ancestorIds(parent.id)
  const checked = checkParent(child, parent, ancestors)
  return E.isLeft(checked) ? checked : E.right(parent)
}
