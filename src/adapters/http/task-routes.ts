import type Router from '@koa/router'
import type { AuditFilter, TaskFilter } from '../../application/index.js'
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, isPriority, isTaskStatus, type Issue, type TaskInput } from '../../domain/index.js'
import type { Taskport } from '../../application/taskport.js'
import { AssignC, ChangeStatusC, CreateTaskC, isIdText, ProgressC, RejectC, UpdateTaskC } from './decode.js'
import { auditJson, pageJson, taskDetailJson, taskJson } from './encode.js'
import { body, callerOf, fail, idParam, ifMatch, pageRequest, queryString, respond, type Ctx } from './http-context.js'
import { validationProblem } from './problem.js'

/** The optional task fields, shared by create and update: snake_case in, the domain's names out. */
const taskFields = (b: ReturnType<typeof UpdateTaskC.encode>) => ({
  ...(b.description !== undefined ? { description: b.description } : {}),
  ...(b.priority !== undefined ? { priority: b.priority } : {}),
  ...(b.tags !== undefined ? { tags: b.tags } : {}),
  ...(b.due_date !== undefined ? { dueDate: b.due_date } : {}),
  ...(b.story_points !== undefined ? { storyPoints: b.story_points } : {}),
  ...(b.parent_task_id !== undefined ? { parentTaskId: b.parent_task_id } : {}),
})

const taskInput = (b: ReturnType<typeof CreateTaskC.encode>): TaskInput => ({
  title: b.title,
  ...taskFields(b),
  ...(b.assignee_id !== undefined ? { assigneeId: b.assignee_id } : {}),
})

const idOrNone = (raw: string | undefined, path: string, issues: Issue[]): number | 'none' | undefined => {
  if (raw === undefined) return undefined
  if (raw === 'none') return 'none'
  if (isIdText(raw)) return Number(raw)
  issues.push({ path, message: 'must be an id or none' })
  return undefined
}

const taskFilter = (ctx: Ctx): TaskFilter => {
  const issues: Issue[] = []
  const status = queryString(ctx, 'status')
  const priority = queryString(ctx, 'priority')
  if (status !== undefined && !isTaskStatus(status)) issues.push({ path: 'status', message: 'must be a task status' })
  if (priority !== undefined && !isPriority(priority)) issues.push({ path: 'priority', message: 'must be low, medium, high or urgent' })
  const assigneeId = idOrNone(queryString(ctx, 'assignee_id'), 'assignee_id', issues)
  const parentId = idOrNone(queryString(ctx, 'parent_id'), 'parent_id', issues)
  if (issues.length > 0) fail(validationProblem(issues))
  const tag = queryString(ctx, 'tag')
  const q = queryString(ctx, 'q')
  return {
    ...(status !== undefined && isTaskStatus(status) ? { status } : {}),
    ...(priority !== undefined && isPriority(priority) ? { priority } : {}),
    ...(assigneeId !== undefined ? { assigneeId } : {}),
    ...(parentId !== undefined ? { parentId } : {}),
    ...(tag !== undefined ? { tag } : {}),
    ...(q !== undefined ? { q } : {}),
  }
}

const auditFilter = (ctx: Ctx): AuditFilter => {
  const action = queryString(ctx, 'action')
  const entityType = queryString(ctx, 'entity_type')
  const actorId = queryString(ctx, 'actor_id')
  const issues: Issue[] = []
  const knownAction = AUDIT_ACTIONS.find((a) => a === action)
  const knownType = AUDIT_ENTITY_TYPES.find((e) => e === entityType)
  if (action !== undefined && !knownAction) issues.push({ path: 'action', message: 'must be an audit action' })
  if (entityType !== undefined && !knownType) issues.push({ path: 'entity_type', message: 'must be an audit entity type' })
  if (issues.length > 0) fail(validationProblem(issues))
  return { ...(actorId ? { actorId } : {}), ...(knownAction ? { action: knownAction } : {}), ...(knownType ? { entityType: knownType } : {}) }
}

export const taskRoutes = (router: Router, tp: Taskport): void => {
  router.get('/api/projects/:pid/tasks', async (ctx: Ctx) => {
    respond(ctx, await tp.tasks.list(callerOf(ctx), idParam(ctx, 'pid'), taskFilter(ctx), pageRequest(ctx)), 200, (p) => pageJson(p, taskJson))
  })
  router.post('/api/projects/:pid/tasks', async (ctx: Ctx) => {
    respond(ctx, await tp.tasks.create(callerOf(ctx), idParam(ctx, 'pid'), taskInput(body(ctx, CreateTaskC))), 201, taskJson)
  })
  router.get('/api/tasks/:id', async (ctx: Ctx) => {
    respond(ctx, await tp.tasks.get(callerOf(ctx), idParam(ctx, 'id')), 200, taskDetailJson)
  })
  router.put('/api/tasks/:id', async (ctx: Ctx) => {
    const b = body(ctx, UpdateTaskC)
    const expectedVersion = ifMatch(ctx)
    respond(ctx, await tp.tasks.update(callerOf(ctx), idParam(ctx, 'id'), {
      ...(b.title !== undefined ? { title: b.title } : {}),
      ...taskFields(b),
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    }), 200, taskJson)
  })
  router.delete('/api/tasks/:id', async (ctx: Ctx) => {
    respond(ctx, await tp.tasks.delete(callerOf(ctx), idParam(ctx, 'id'), queryString(ctx, 'force') === 'true'), 204, () => null)
  })
  router.patch('/api/tasks/:id/status', async (ctx: Ctx) => {
    const b = body(ctx, ChangeStatusC)
    const expectedVersion = ifMatch(ctx)
    respond(ctx, await tp.tasks.changeStatus(callerOf(ctx), idParam(ctx, 'id'), {
      status: b.status, ...(b.reason !== undefined ? { reason: b.reason } : {}), ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    }), 200, taskJson)
  })
  router.patch('/api/tasks/:id/progress', async (ctx: Ctx) => {
    const b = body(ctx, ProgressC)
    respond(ctx, await tp.tasks.reportProgress(callerOf(ctx), idParam(ctx, 'id'), { percent: b.percent, ...(b.note !== undefined ? { note: b.note } : {}) }), 200, taskJson)
  })
  router.patch('/api/tasks/:id/assign', async (ctx: Ctx) => {
    respond(ctx, await tp.tasks.assign(callerOf(ctx), idParam(ctx, 'id'), body(ctx, AssignC).assignee_id), 200, taskJson)
  })
  router.post('/api/tasks/:id/subtasks', async (ctx: Ctx) => {
    respond(ctx, await tp.tasks.createSubtask(callerOf(ctx), idParam(ctx, 'id'), taskInput(body(ctx, CreateTaskC))), 201, taskJson)
  })
  router.post('/api/tasks/:id/approve', async (ctx: Ctx) => {
    respond(ctx, await tp.tasks.approve(callerOf(ctx), idParam(ctx, 'id')), 200, taskJson)
  })
  router.post('/api/tasks/:id/reject', async (ctx: Ctx) => {
    respond(ctx, await tp.tasks.reject(callerOf(ctx), idParam(ctx, 'id'), body(ctx, RejectC).reason), 200, taskJson)
  })

  router.get('/api/tasks/:id/audit', async (ctx: Ctx) => {
    respond(ctx, await tp.audit.forTask(callerOf(ctx), idParam(ctx, 'id'), pageRequest(ctx)), 200, (p) => pageJson(p, auditJson))
  })
  router.get('/api/projects/:pid/audit', async (ctx: Ctx) => {
    respond(ctx, await tp.audit.forProject(callerOf(ctx), idParam(ctx, 'pid'), auditFilter(ctx), pageRequest(ctx)), 200, (p) => pageJson(p, auditJson))
  })
  router.get('/api/audit', async (ctx: Ctx) => {
    respond(ctx, await tp.audit.byActor(callerOf(ctx), queryString(ctx, 'actor_id'), pageRequest(ctx)), 200, (p) => pageJson(p, auditJson))
  })
}
