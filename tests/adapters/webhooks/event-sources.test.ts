// Every way a change reaches taskport writes its events through the same outbox: REST, task-sync, a vendor's
// native webhook, the GitHub import and an outbound push, over HTTP on PostgreSQL, delivered to a receiver.
import { createHmac, randomUUID } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js'
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor.js'
import { startApi, type ApiServer } from '../../support/http.js'
import { startReceiver, type Receiver } from '../../support/receiver.js'
import { connect } from '../../support/vendor-webhooks.js'

interface Ctx {
  api: ApiServer
  receiver: Receiver
  github: FakeGitHub
  vendor: FakeVendor
  pid: number
}

const it = suite<Ctx>('event sources')

it.before(async (ctx) => {
  ctx.api = await startApi({ webhooks: { delivery: { timeoutMs: 2000, retrySchedule: [200], pollMs: 50 } } })
  ctx.receiver = await startReceiver()
  ctx.github = await startFakeGitHub('acme', 'app', [{ number: 1, title: 'Imported', state: 'open', state_reason: null }])
  let n = 40
  ctx.vendor = await startFakeVendor(() => ({ status: 201, body: { number: (n += 1), html_url: `https://github.com/acme/pushed/issues/${n}` } }))
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'sources', name: 'Sources' } })).body.id
  const hook = await ctx.api.call('POST', `/api/projects/${ctx.pid}/webhooks`, { as: 'wes', body: { url: ctx.receiver.url, events: ['task.*'] } })
  assert.is(hook.status, 201)
})
it.after(async (ctx) => {
  await ctx.api.stop()
  await ctx.receiver.stop()
  await ctx.github.stop()
  await ctx.vendor.stop()
})

const events = (ctx: Ctx) => ctx.receiver.received.map((r) => JSON.parse(r.body))

it('REST, task-sync, a native GitHub webhook, the import and a push each arrive as events, with their actor', async (ctx) => {
  const { api, pid } = ctx
  const rest = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'From REST' } })
  const token = (await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'wes', body: { name: 'relay' } })).body
  const synced = await api.call('POST', `/api/projects/${pid}/task-sync`, { body: { source: 'custom', external_id: 'c-1', name: 'From task-sync' }, headers: { authorization: `Bearer ${token.token}` } })
  const gh = await connect(api, pid, { type: 'github', access_token: 'x', settings: { owner: 'acme', repo: 'app', api_url: ctx.github.url } })
  const raw = JSON.stringify({ action: 'opened', issue: { number: 7, title: 'From a webhook', state: 'open', updated_at: '2026-11-20T10:00:00Z' }, repository: { full_name: 'acme/app' } })
  const hooked = await api.call('POST', `/api/integrations/${gh.id}/webhook`, {
    raw, headers: { 'x-github-event': 'issues', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${createHmac('sha256', gh.secret).update(raw).digest('hex')}` },
  })
  const imported = await api.call('POST', `/api/projects/${pid}/integrations/${gh.id}/import`, { as: 'wes' })
  const pushTarget = await connect(api, pid, { type: 'github', access_token: 'y', settings: { owner: 'acme', repo: 'pushed', api_url: ctx.vendor.url } })
  const pushed = await api.call('POST', `/api/projects/${pid}/integrations/${pushTarget.id}/push`, { as: 'wes', body: { task_ids: [rest.body.id] } })
  assert.equal([rest.status, synced.status, hooked.status, imported.body.created, pushed.body.pushed.length], [201, 201, 200, 1, 1])
  await ctx.receiver.waitFor(5)
  const seen = events(ctx).map((e) => [e.type, e.data.actor_type, e.data.object.title])
  assert.equal(seen.sort(), [
    ['task.created', 'api_token', 'From a webhook'],
    ['task.created', 'api_token', 'From task-sync'],
    ['task.created', 'api_token', 'Imported'],
    ['task.created', 'human', 'From REST'],
    ['task.synced', 'human', 'From REST'],
  ].sort())
  const push = events(ctx).find((e) => e.type === 'task.synced')
  assert.equal(push.data.object.external_links, [{ source: 'github', external_id: 'acme/pushed#41', external_url: 'https://github.com/acme/pushed/issues/41' }])
})

it.run()
