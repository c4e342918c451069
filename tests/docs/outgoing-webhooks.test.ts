// The receiver of docs/integrations/outgoing-webhooks.md (docs/examples/webhook-receiver.mjs), run as its own
// process against real deliveries: it verifies them with the `standardwebhooks` package, refuses a forged one, and
// drops a redelivery by its webhook-id.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startApi, type ApiServer } from '../support/http.js'
import { freePort, run, stopProcess, waitFor, type Process } from '../support/processes.js'

const it = suite<{ api: ApiServer; receiver?: Process }>('docs: the outgoing-webhooks receiver')

it.before(async (ctx) => {
  ctx.api = await startApi({ webhooks: { delivery: { timeoutMs: 2000, retrySchedule: [200, 400, 800], pollMs: 50 } } })
})
it.after(async (ctx) => {
  await stopProcess(ctx.receiver)
  await ctx.api.stop()
})

it('verifies real deliveries, refuses a forged one, and handles a redelivery once', async (ctx) => {
  const { api } = ctx
  const port = await freePort()
  const pid = (await api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'docs-receiver', name: 'Docs' } })).body.id
  const created = await api.call('POST', `/api/projects/${pid}/webhooks`, { as: 'wes', body: { url: `http://127.0.0.1:${port}/`, events: ['task.*'] } })
  assert.is(created.status, 201)
  ctx.receiver = run(process.execPath, ['docs/examples/webhook-receiver.mjs'], { WEBHOOK_SECRET: created.body.secret, PORT: String(port) })
  await waitFor(ctx.receiver, /listening on \d+/, 'the docs receiver')
  const ping = await api.call('POST', `/api/projects/${pid}/webhooks/${created.body.id}/ping`, { as: 'wes' })
  await waitFor(ctx.receiver, /"type":"webhook.ping"/, 'the verified ping')
  const task = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'Documented' } })
  await waitFor(ctx.receiver, new RegExp(`"type":"task.created","sequence":\\d+,"entity":"${task.body.id}"`), 'the verified task event')

  const forged = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST', body: '{"type":"task.deleted"}',
    headers: { 'content-type': 'application/json', 'webhook-id': 'evt_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
  })
  assert.equal([forged.status, await forged.text()], [400, 'bad signature'])

  await api.call('POST', `/api/projects/${pid}/webhooks/${created.body.id}/deliveries/${ping.body.delivery_id}/redeliver`, { as: 'wes' })
  for (let i = 0; i < 100; i += 1) {
    const d = (await api.call('GET', `/api/projects/${pid}/webhooks/${created.body.id}/deliveries/${ping.body.delivery_id}`, { as: 'wes' })).body
    if (d.attempts === 2 && d.status === 'succeeded') break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const pings = ctx.receiver.output.split('\n').filter((l) => l.includes('"webhook.ping"'))
  assert.is(pings.length, 1, 'the redelivery was answered, and dropped as a repeat')
})

it.run()
