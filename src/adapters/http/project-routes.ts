import type Router from '@koa/router'
import type { AddMemberCommand } from '../../application/index.js'
import type { Taskport } from '../../application/taskport.js'
import { AddMemberC, ChangeRoleC, CreateProjectC, UpdateProjectC } from './decode.js'
import { memberJson, pageJson, projectJson } from './encode.js'
import { body, callerOf, idParam, pageRequest, queryString, respond, type Ctx } from './http-context.js'

export const projectRoutes = (router: Router, tp: Taskport): void => {
  router.get('/api/projects', async (ctx: Ctx) => {
    respond(ctx, await tp.projects.list(callerOf(ctx), pageRequest(ctx)), 200, (p) => pageJson(p, projectJson))
  })
  router.post('/api/projects', async (ctx: Ctx) => {
    const b = body(ctx, CreateProjectC)
    respond(ctx, await tp.projects.create(callerOf(ctx), { slug: b.slug, name: b.name, description: b.description ?? null, ...(b.key !== undefined ? { key: b.key } : {}) }), 201, projectJson)
  })
  router.get('/api/projects/:pid', async (ctx: Ctx) => {
    respond(ctx, await tp.projects.get(callerOf(ctx), idParam(ctx, 'pid')), 200, projectJson)
  })
  router.put('/api/projects/:pid', async (ctx: Ctx) => {
    const b = body(ctx, UpdateProjectC)
    respond(ctx, await tp.projects.update(callerOf(ctx), idParam(ctx, 'pid'), b), 200, projectJson)
  })
  router.delete('/api/projects/:pid', async (ctx: Ctx) => {
    respond(ctx, await tp.projects.delete(callerOf(ctx), idParam(ctx, 'pid'), queryString(ctx, 'force') === 'true'), 204, () => null)
  })

  router.get('/api/projects/:pid/members', async (ctx: Ctx) => {
    respond(ctx, await tp.members.list(callerOf(ctx), idParam(ctx, 'pid'), pageRequest(ctx)), 200, (p) => pageJson(p, memberJson))
  })
  router.post('/api/projects/:pid/members', async (ctx: Ctx) => {
    const b = body(ctx, AddMemberC)
    const command: AddMemberCommand = 'agent_id' in b
      ? { agentId: b.agent_id, ...(b.role ? { role: b.role } : {}) }
      : { userId: b.user_id, email: b.email ?? null, name: b.name ?? null, ...(b.role ? { role: b.role } : {}) }
    respond(ctx, await tp.members.add(callerOf(ctx), idParam(ctx, 'pid'), command), 201, memberJson)
  })
  router.patch('/api/projects/:pid/members/:wid', async (ctx: Ctx) => {
    const b = body(ctx, ChangeRoleC)
    respond(ctx, await tp.members.changeRole(callerOf(ctx), idParam(ctx, 'pid'), idParam(ctx, 'wid'), b.role), 200, memberJson)
  })
  router.delete('/api/projects/:pid/members/:wid', async (ctx: Ctx) => {
    respond(ctx, await tp.members.remove(callerOf(ctx), idParam(ctx, 'pid'), idParam(ctx, 'wid')), 204, () => null)
  })
}
