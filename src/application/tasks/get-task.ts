import * as E from 'fp-ts/lib/Either.js'
import { effectiveRole } from '../../domain/index.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import { taskNotFound, type AppError } from '../errors.js'
import { readOnly } from '../transaction.js'
import { assembleTaskViews, type TaskDetail } from '../views.js'

export const RECENT_AUDIT_SIZE = 10

/**
 * The task with its direct subtasks and its latest 10 audit entries: one store read (one round trip on
 * PostgreSQL), because this is the request clients make most. Not a member: 404, as everywhere.
 */
export const getTask = (deps: Pick<Deps, 'uow'>) => (caller: Caller, taskId: number): Promise<E.Either<AppError, TaskDetail>> =>
  readOnly(deps.uow, async (stores) => {
    const record = await stores.tasks.detail(taskId, caller.worker.id, RECENT_AUDIT_SIZE)
    if (!record || !effectiveRole(record.membership, caller.platformAdmin)) return E.left(taskNotFound(taskId))
    const assignees = new Map(record.assignees.map((w) => [w.id, w]))
    const [view, ...subtasks] = assembleTaskViews(record.project, [record.task, ...record.children], assignees, record.links)
    return view ? E.right({ ...view, subtasks, recentAudit: record.recentAudit }) : E.left(taskNotFound(taskId))
  })
