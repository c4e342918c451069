// Project API tokens (managed by admins with their JWT) and the inbound task-sync webhook they authenticate.
import type Router from '@koa/router'
import * as E from 'fp-ts/lib/Either.js'
import type { SyncPayload } from '../../application/index.js'
import type { Taskport } from '../../application/taskport.js'
import type { Issue } from '../../domain/index.js'
import { CreateApiTokenC, decode, isoTimestamp, TaskSyncC } from './decode.js'
import { uuidParam } from './integration-routes.js'
import { apiTokenJson, issuedTokenJson, pageJson } from './encode.js'
import { body, callerOf, fail, idParam, pageRequest, respond, type Ctx } from './http-context.js'
import { problemOf, validationProblem } from './problem.js'

/** The path the JWT authentication leaves to the API token check (after trailing slashes are removed). */
export const TASK_SYNC_PATH = /^\/api\/projects\/([^/]+)\/task-sync$/

/** `Bearer <token>` -> the token; anything else -> undefined (a 401 either way). */
export const bearerToken = (ctx: Ctx): string | undefined => /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('Authorization'))?.[1]


const syncPayload = (ctx: Ctx): E.Either<readonly Issue[], SyncPayload> => {
  const decoded = decode(TaskSyncC, ctx.state.body ?? {})
  if (E.isLeft(decoded)) return decoded
  const b = decoded.right
  let updatedAt: Date | undefined
  if (b.updated_at !== undefined && b.updated_at !== null) {
    const parsed = isoTimestamp(b.updated_at, 'updated_at')
    if (E.isLeft(parsed)) return parsed
    updatedAt = parsed.right
  }
  return E.right({
    source: b.source,
    externalId: b.external_id,
    name: b.name,
    ...(b.description !== undefined ? { description: b.description } : {}),
    ...(b.status !== undefined ? { status: b.status } : {}),
    ...(b.assignee_email !== undefined ? { assigneeEmail: b.assignee_email } : {}),
    ...(b.story_points !== undefined ? { storyPoints: b.story_points } : {}),
    ...(b.labels !== undefined ? { labels: b.labels } : {}),
    ...(b.external_url !== undefined ? { externalUrl: b.external_url } : {}),
    ...(b.parent_external_id !== undefined ? { parentExternalId: b.parent_external_id } : {}),
    ...(updatedAt ? { updatedAt } : {}),
  })
}

export const syncRoutes = (router: Router, tp: Taskport): void => {
  router.post('/api/projects/:pid/api-tokens', async (ctx: Ctx) => {
    const b = body(ctx, CreateApiTokenC)
    ctx.set('Cache-Control', 'no-store')
    respond(ctx, await tp.apiTokens.create(callerOf(ctx), idParam(ctx, 'pid'), { name: b.name, ...(b.status_map ? { statusMap: b.status_map } : {}) }), 201, issuedTokenJson)
  })
  router.get('/api/projects/:pid/api-tokens', async (ctx: Ctx) => {
    respond(ctx, await tp.apiTokens.list(callerOf(ctx), idParam(ctx, 'pid'), pageRequest(ctx)), 200, (p) => pageJson(p, apiTokenJson))
  })
  router.delete('/api/projects/:pid/api-tokens/:token_id', async (ctx: Ctx) => {
    respond(ctx, await tp.apiTokens.revoke(callerOf(ctx), idParam(ctx, 'pid'), uuidParam(ctx, 'token_id', 'API token')), 204, () => null)
  })

  router.post('/api/projects/:pid/task-sync', async (ctx: Ctx) => {
    const projectId = idParam(ctx, 'pid')
    const token = bearerToken(ctx)
    const payload = syncPayload(ctx)
    if (E.isLeft(payload)) {
      // A bad body from someone without a valid token is a 401, not a description of what we expect.
      const verified = await tp.apiTokens.verify(projectId, token)
      fail(E.isLeft(verified) ? problemOf(verified.left) : validationProblem(payload.left))
      return
    }
    const result = await tp.sync({ projectId, rawToken: token, payload: payload.right })
    respond(ctx, result, E.isRight(result) && result.right.created ? 201 : 200, (r) => ({
      task_id: r.taskId, short_id: r.shortId, created: r.created, warnings: [...r.warnings],
    }))
  })
}
