import type Router from '@koa/router'
import type { Taskport } from '../../application/taskport.js'
import { RegisterAgentC, UpdateAgentC } from './decode.js'
import { agentJson, pageJson } from './encode.js'
import { body, callerOf, idParam, pageRequest, respond, type Ctx } from './http-context.js'

export const agentRoutes = (router: Router, tp: Taskport): void => {
  router.post('/api/workers/agents', async (ctx: Ctx) => {
    const b = body(ctx, RegisterAgentC)
    respond(ctx, await tp.agents.register(callerOf(ctx), {
      handle: b.handle, agentType: b.agent_type, name: b.name ?? null, ...(b.capabilities ? { capabilities: b.capabilities } : {}),
    }), 201, agentJson)
  })
  router.get('/api/workers/agents', async (ctx: Ctx) => {
    respond(ctx, await tp.agents.list(callerOf(ctx), pageRequest(ctx)), 200, (p) => pageJson(p, agentJson))
  })
  router.get('/api/workers/agents/:id', async (ctx: Ctx) => {
    respond(ctx, await tp.agents.get(callerOf(ctx), idParam(ctx, 'id')), 200, agentJson)
  })
  router.put('/api/workers/agents/:id', async (ctx: Ctx) => {
    const b = body(ctx, UpdateAgentC)
    respond(ctx, await tp.agents.update(callerOf(ctx), idParam(ctx, 'id'), {
      ...(b.name !== undefined ? { name: b.name } : {}),
      ...(b.agent_type !== undefined ? { agentType: b.agent_type } : {}),
      ...(b.capabilities !== undefined ? { capabilities: b.capabilities } : {}),
    }), 200, agentJson)
  })
  router.delete('/api/workers/agents/:id', async (ctx: Ctx) => {
    respond(ctx, await tp.agents.delete(callerOf(ctx), idParam(ctx, 'id')), 204, () => null)
  })
}
