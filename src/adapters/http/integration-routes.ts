// Integrations (GitHub, Jira, Linear, Asana): connections per project, managed by admins.
import { PassThrough } from 'node:stream'
import type Router from '@koa/router'
import * as E from 'fp-ts/lib/Either.js'
import type { Taskport } from '../../application/taskport.js'
import { MAX_PUSH } from '../../application/index.js'
import { CreateIntegrationC, PushTasksC, UUID_PATTERN } from './decode.js'
import { problemOf, validationProblem } from './problem.js'
import { createdIntegrationJson, integrationJson, pageJson } from './encode.js'
import { body, callerOf, fail, idParam, pageRequest, respond, type Ctx } from './http-context.js'

export const uuidParam = (ctx: Ctx, name: string, what: string): string => {
  const raw = (ctx as unknown as { params: Record<string, string> }).params[name] ?? ''
  return UUID_PATTERN.test(raw) ? raw.toLowerCase() : fail({ status: 404, body: { error: 'not_found', detail: `${what} ${raw} not found`, status_code: 404 } })
}

/** Where vendors reach this server: its origin plus the prefix a host mounted it under. */
export const webhookBase = (ctx: Ctx): string => {
  const mount = ctx.originalUrl.endsWith(ctx.url) ? ctx.originalUrl.slice(0, ctx.originalUrl.length - ctx.url.length) : ''
  return `${ctx.protocol}://${ctx.host}${mount}`
}

export const integrationRoutes = (router: Router, tp: Taskport): void => {
  router.post('/api/projects/:pid/integrations', async (ctx: Ctx) => {
    const b = body(ctx, CreateIntegrationC)
    ctx.set('Cache-Control', 'no-store')
    const result = await tp.integrations.create(callerOf(ctx), idParam(ctx, 'pid'), {
      type: b.type, accessToken: b.access_token, settings: b.settings ?? {},
      ...(b.status_map ? { statusMap: b.status_map } : {}), ...(b.is_active !== undefined ? { isActive: b.is_active } : {}),
      ...(b.webhook_secret !== undefined ? { webhookSecret: b.webhook_secret } : {}),
    })
    respond(ctx, result, 201, (created) => createdIntegrationJson(created, webhookBase(ctx)))
  })
  router.get('/api/projects/:pid/integrations', async (ctx: Ctx) => {
    respond(ctx, await tp.integrations.list(callerOf(ctx), idParam(ctx, 'pid'), pageRequest(ctx)), 200, (p) => pageJson(p, (i) => integrationJson(i, webhookBase(ctx))))
  })
  router.post('/api/integrations/:iid/webhook', async (ctx: Ctx) => {
    const result = await tp.integrations.receiveWebhook(uuidParam(ctx, 'iid', 'Integration'), {
      rawBody: ctx.state.rawBody ?? Buffer.alloc(0),
      header: (name) => ctx.get(name) || undefined,
      body: ctx.state.body,
    })
    if (E.isRight(result) && result.right.replayed) ctx.set('X-Taskport-Replayed', 'true')
    respond(ctx, result, E.isRight(result) ? result.right.status : 200, (answer) => answer.body)
  })
  router.post('/api/projects/:pid/integrations/:iid/import', async (ctx: Ctx) => {
    const caller = callerOf(ctx)
    const pid = idParam(ctx, 'pid')
    const iid = uuidParam(ctx, 'iid', 'Integration')
    if (!ctx.get('Accept').includes('application/x-ndjson')) {
      respond(ctx, await tp.integrations.import(caller, pid, iid), 200, (summary) => summary)
      return
    }
    // Accept: application/x-ndjson: one `{"progress":…}` line per page once the import is under way, then
    // `{"summary":…}`. Refusals before the first page (401, 403, 404) are ordinary error responses.
    const stream = new PassThrough()
    let started: () => void = () => undefined
    const firstPage = new Promise<'started'>((resolve) => (started = () => resolve('started')))
    const work = tp.integrations.import(caller, pid, iid, (progress) => {
      started()
      stream.write(`${JSON.stringify({ progress })}\n`)
    })
    const first = await Promise.race([work, firstPage])
    if (first !== 'started') {
      respond(ctx, first, 200, (summary) => summary)
      return
    }
    ctx.status = 200
    ctx.type = 'application/x-ndjson'
    ctx.body = stream
    work.then(
      (result) => stream.end(`${JSON.stringify(E.isRight(result) ? { summary: result.right } : { error: problemOf(result.left).body })}\n`),
      () => stream.end(`${JSON.stringify({ error: { error: 'internal_error', detail: `Internal error (request ${ctx.state.requestId ?? '-'})`, status_code: 500 } })}\n`),
    )
  })
  router.post('/api/projects/:pid/integrations/:iid/push', async (ctx: Ctx) => {
    const b = body(ctx, PushTasksC)
    if (b.task_ids.length < 1 || b.task_ids.length > MAX_PUSH) fail(validationProblem([{ path: 'task_ids', message: `must hold 1..${MAX_PUSH} task ids` }]))
    respond(ctx, await tp.integrations.push(callerOf(ctx), idParam(ctx, 'pid'), uuidParam(ctx, 'iid', 'Integration'), b.task_ids), 200, (summary) => summary)
  })
  router.delete('/api/projects/:pid/integrations/:iid', async (ctx: Ctx) => {
    respond(ctx, await tp.integrations.delete(callerOf(ctx), idParam(ctx, 'pid'), uuidParam(ctx, 'iid', 'Integration')), 204, () => null)
  })
}
