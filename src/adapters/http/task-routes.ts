import type Router from '@koa/router'
import * as E from 'fp-ts/lib/Either.js'
import { auditFilterOf, taskFields, taskFilterOf, taskInput, type AuditFilter, type TaskFilter } from '../../application/index.js'
import type { Issue } from '../../domain/index.js'
import type { Taskport } from '../../application/taskport.js'
import { AssignC, ChangeStatusC, CreateTaskC, ProgressC, RejectC, UpdateTaskC } from './decode.js'
import { auditJson, pageJson, taskDetailJson, taskJson } from './encode.js'
import { body, callerOf, fail, idParam, ifMatch, pageRequest, queryString, respond, type Ctx } from './http-context.js'
import { validationProblem } from './problem.js'

const orFail = <A>(result: E.Either<readonly Issue[], A>): A => (E.isLeft(result) ? fail(validationProblem(result.left)) : result.right)
const taskFilter = (ctx: Ctx): TaskFilter => orFail(taskFilterOf((name) => queryString(ctx, name)))
const auditFilter = (ctx: Ctx): AuditFilter => orFail(auditFilterOf((name) => queryString(ctx, name)))

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
