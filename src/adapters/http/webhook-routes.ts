// Outgoing webhooks (event subscriptions): endpoints, their delivery log, ping and redelivery. Admin+ throughout.
import type Router from '@koa/router'
import type { Taskport } from '../../application/taskport.js'
import { CreateWebhookC, UpdateWebhookC } from './decode.js'
import { createdWebhookJson, deliveryDetailJson, deliveryJson, pageJson, webhookJson } from './encode.js'
import { body, callerOf, idParam, pageRequest, queryString, respond, type Ctx } from './http-context.js'
import { uuidParam } from './integration-routes.js'

const BASE = '/api/projects/:pid/webhooks'

export const webhookRoutes = (router: Router, tp: Taskport): void => {
  const wid = (ctx: Ctx) => uuidParam(ctx, 'wid', 'Webhook')
  const did = (ctx: Ctx) => uuidParam(ctx, 'did', 'Delivery')

  router.post(BASE, async (ctx: Ctx) => {
    const b = body(ctx, CreateWebhookC)
    // The one response that carries the secret must not be kept by a cache.
    ctx.set('Cache-Control', 'no-store')
    respond(ctx, await tp.webhooks.create(callerOf(ctx), idParam(ctx, 'pid'), {
      url: b.url, ...(b.events !== undefined ? { events: b.events } : {}), ...(b.description !== undefined ? { description: b.description } : {}),
      ...(b.is_active !== undefined ? { isActive: b.is_active } : {}),
    }), 201, createdWebhookJson)
  })
  router.get(BASE, async (ctx: Ctx) => {
    respond(ctx, await tp.webhooks.list(callerOf(ctx), idParam(ctx, 'pid'), pageRequest(ctx)), 200, (p) => pageJson(p, webhookJson))
  })
  router.get(`${BASE}/:wid`, async (ctx: Ctx) => {
    respond(ctx, await tp.webhooks.get(callerOf(ctx), idParam(ctx, 'pid'), wid(ctx)), 200, webhookJson)
  })
  router.patch(`${BASE}/:wid`, async (ctx: Ctx) => {
    const b = body(ctx, UpdateWebhookC)
    respond(ctx, await tp.webhooks.update(callerOf(ctx), idParam(ctx, 'pid'), wid(ctx), {
      ...(b.url !== undefined ? { url: b.url } : {}), ...(b.events !== undefined ? { events: b.events } : {}),
      ...(b.description !== undefined ? { description: b.description } : {}), ...(b.is_active !== undefined ? { isActive: b.is_active } : {}),
    }), 200, webhookJson)
  })
  router.delete(`${BASE}/:wid`, async (ctx: Ctx) => {
    respond(ctx, await tp.webhooks.delete(callerOf(ctx), idParam(ctx, 'pid'), wid(ctx)), 204, () => null)
  })
  router.post(`${BASE}/:wid/ping`, async (ctx: Ctx) => {
    respond(ctx, await tp.webhooks.ping(callerOf(ctx), idParam(ctx, 'pid'), wid(ctx)), 202, (r) => ({ delivery_id: r.deliveryId }))
  })
  router.get(`${BASE}/:wid/deliveries`, async (ctx: Ctx) => {
    const status = queryString(ctx, 'status')
    respond(ctx, await tp.webhooks.deliveries(callerOf(ctx), idParam(ctx, 'pid'), wid(ctx), { ...pageRequest(ctx), ...(status !== undefined ? { status } : {}) }), 200, (p) => pageJson(p, deliveryJson))
  })
  router.get(`${BASE}/:wid/deliveries/:did`, async (ctx: Ctx) => {
    respond(ctx, await tp.webhooks.delivery(callerOf(ctx), idParam(ctx, 'pid'), wid(ctx), did(ctx)), 200, deliveryDetailJson)
  })
  router.post(`${BASE}/:wid/deliveries/:did/redeliver`, async (ctx: Ctx) => {
    respond(ctx, await tp.webhooks.redeliver(callerOf(ctx), idParam(ctx, 'pid'), wid(ctx), did(ctx)), 202, (r) => ({ delivery_id: r.deliveryId }))
  })
}
