// Creating a task, shared by "create task" and "create subtask".
import * as E from 'fp-ts/lib/Either.js'
import { auditEntry, createTask, mayCreateTask, taskSnapshot, type AuditActor, type TaskInput } from '../../domain/index.js'
import type { ProjectContext } from '../access.js'
import type { AppError } from '../errors.js'
import type { Stores } from '../ports/index.js'
import { refreshRollup } from '../rollup.js'
import { taskView, type TaskView } from '../views.js'
import { checkAssigneeOf, checkParentOf } from './task-checks.js'

export const insertTask = async (
  stores: Stores,
  context: ProjectContext,
  input: TaskInput,
  actor: AuditActor,
  now: Date,
): Promise<E.Either<AppError, TaskView>> => {
  const { project, access } = context
  const allowed = mayCreateTask(access)
  if (E.isLeft(allowed)) return allowed
  const draft = createTask(input, { projectId: project.id, createdById: access.workerId, now })
  if (E.isLeft(draft)) return draft
  const assignee = await checkAssigneeOf(stores, project, draft.right.assigneeId)
  if (E.isLeft(assignee)) return assignee
  const parent = await checkParentOf(stores, { projectId: project.id }, draft.right.parentTaskId)
  if (E.isLeft(parent)) return parent
  const task = await stores.tasks.insert(draft.right)
  await stores.audit.append(auditEntry(actor, project.id, 'task', task.id, 'created', { after: taskSnapshot(task) }, now))
  await refreshRollup(stores, task.parentTaskId)
  return E.right(await taskView(stores, project, task))
}
