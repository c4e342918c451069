// Outgoing webhooks over HTTP on PostgreSQL: every route of the contract's section, its roles (a member gets 403,
// a non-member 404, no token 401), its errors in the contract's shape, and the shapes of endpoints and deliveries.
// Deliveries themselves (signatures, retries, disabling) are tested in tests/adapters/webhooks/delivery.test.ts.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { fence } from '../../support/loopback-fence.js'
import { CREDENTIAL_KEY, expectError, startApi, type ApiServer } from '../../support/http.js'
import { aesGcmCipher } from '../../../src/adapters/system/index.js'
import { cannedLookup } from '../../support/dns.js'

interface Ctx {
  api: ApiServer
  pid: number
}

const it = suite<Ctx>('outgoing webhook routes')

const ENDPOINT_KEYS = ['created_at', 'description', 'disabled_reason', 'events', 'id', 'is_active', 'project_id', 'updated_at', 'url']
const DELIVERY_KEYS = ['attempts', 'created_at', 'delivered_at', 'endpoint_id', 'event_id', 'event_type', 'id', 'last_error', 'last_status_code', 'next_attempt_at', 'status']

it.before(async (ctx) => {
  // No delivery runner here: deliveries stay pending, so their state is what the routes made it.
  ctx.api = await startApi()
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'outgoing', name: 'Outgoing', key: 'OUT' } })).body.id
  await ctx.api.call('POST', `/api/projects/${ctx.pid}/members`, { as: 'wes', body: { user_id: 'ada', email: 'ada@example.com', role: 'admin' } })
  await ctx.api.call('POST', `/api/projects/${ctx.pid}/members`, { as: 'wes', body: { user_id: 'mia', email: 'mia@example.com', role: 'member' } })
})
it.after(async (ctx) => ctx.api.stop())

const base = (pid: number) => `/api/projects/${pid}/webhooks`

it('create: 201 with the endpoint and its secret once (no-store); listed and read without it; stored sealed', async ({ api, pid }) => {
  const res = await api.call('POST', base(pid), { as: 'ada', body: { url: 'http://127.0.0.1:9/in', events: ['task.*', 'member.added'], description: 'CI' } })
  assert.is(res.status, 201, JSON.stringify(res.body))
  assert.equal(Object.keys(res.body).sort(), [...ENDPOINT_KEYS, 'secret'].sort())
  assert.match(res.body.id, /^[0-9a-f-]{36}$/)
  assert.match(res.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
  assert.equal({ ...res.body, id: 0, secret: 0, created_at: 0, updated_at: 0 }, {
    id: 0, project_id: pid, url: 'http://127.0.0.1:9/in', events: ['task.*', 'member.added'], description: 'CI', is_active: true,
    disabled_reason: null, created_at: 0, updated_at: 0, secret: 0,
  })
  assert.is(res.headers.get('cache-control'), 'no-store')
  const [row] = await api.sql('select secret_sealed from webhook_endpoints where id = ?', [res.body.id])
  assert.not.ok(String(row.secret_sealed).includes(res.body.secret.slice(6)))
  assert.is(aesGcmCipher(CREDENTIAL_KEY).open(row.secret_sealed), res.body.secret)
  const list = await api.call('GET', base(pid), { as: 'ada' })
  assert.is(list.status, 200)
  assert.equal(Object.keys(list.body).sort(), ['items', 'next_cursor'])
  assert.equal(Object.keys(list.body.items[0]).sort(), ENDPOINT_KEYS)
  const one = await api.call('GET', `${base(pid)}/${res.body.id}`, { as: 'ada' })
  assert.equal(one.body, list.body.items[0])
  assert.not.ok(JSON.stringify([list.body, one.body]).includes(res.body.secret))
  const defaults = await api.call('POST', `${base(pid)}/`, { as: 'wes', body: { url: 'https://127.0.0.1/x' } })
  assert.equal([defaults.status, defaults.body.events, defaults.body.description], [201, ['*'], null])
  const audit = await api.call('GET', `/api/projects/${pid}/audit?entity_type=webhook`, { as: 'wes' })
  assert.equal(audit.body.items.map((e: any) => [e.action, e.entity_id]), [['webhook_created', defaults.body.id], ['webhook_created', res.body.id]])
  assert.not.ok(JSON.stringify(audit.body).includes(res.body.secret))
})

it('every route: no token 401, a non-member 404, a member 403, an unknown endpoint or delivery 404', async ({ api, pid }) => {
  const hook = (await api.call('POST', base(pid), { as: 'ada', body: { url: 'http://127.0.0.1:9/roles' } })).body.id
  const did = '00000000-0000-4000-8000-000000000001'
  const routes: Array<[string, string, object?]> = [
    ['POST', base(pid), { url: 'http://127.0.0.1:9/x' }], ['GET', base(pid)], ['GET', `${base(pid)}/${hook}`],
    ['PATCH', `${base(pid)}/${hook}`, { description: 'x' }], ['DELETE', `${base(pid)}/${hook}`], ['POST', `${base(pid)}/${hook}/ping`],
    ['GET', `${base(pid)}/${hook}/deliveries`], ['GET', `${base(pid)}/${hook}/deliveries/${did}`], ['POST', `${base(pid)}/${hook}/deliveries/${did}/redeliver`],
  ]
  for (const [method, path, body] of routes) {
    expectError(await api.call(method, path, body ? { body } : {}), 401, 'unauthorized')
    expectError(await api.call(method, path, { as: 'out', ...(body ? { body } : {}) }), 404, 'not_found')
    expectError(await api.call(method, path, { as: 'mia', ...(body ? { body } : {}) }), 403, 'forbidden')
  }
  const unknown = '00000000-0000-4000-8000-0000000000ff'
  for (const [method, path, body] of routes.slice(2)) {
    const res = await api.call(method, path.replace(hook, unknown), { as: 'ada', ...(body ? { body } : {}) })
    expectError(res, 404, 'not_found')
  }
  expectError(await api.call('GET', `${base(pid)}/not-a-uuid`, { as: 'ada' }), 404, 'not_found')
  expectError(await api.call('GET', `${base(pid)}/${hook}/deliveries/${did}`, { as: 'ada' }), 404, 'not_found')
  expectError(await api.call('POST', `${base(pid)}/${hook}/deliveries/${did}/redeliver`, { as: 'ada' }), 404, 'not_found')
  // An endpoint of another project does not exist in this one.
  const other = (await api.call('POST', '/api/projects', { as: 'ada', body: { slug: 'outgoing-other', name: 'Other' } })).body.id
  expectError(await api.call('GET', `${base(other)}/${hook}`, { as: 'ada' }), 404, 'not_found')
})

it('validation: 400 naming every bad field; wrong types; nothing written', async ({ api, pid }) => {
  const count = async () => (await api.sql('select count(*)::int as n from webhook_endpoints'))[0].n
  const before = await count()
  const bad = async (body: unknown) => {
    const res = await api.call('POST', base(pid), { as: 'ada', body })
    expectError(res, 400, 'validation_error')
    return res.body.errors.map((e: any) => e.path).sort()
  }
  assert.equal(await bad({}), ['url'])
  assert.equal(await bad({ url: 42, events: 'task.*', is_active: 'yes' }), ['events', 'is_active', 'url'])
  assert.equal(await bad({ url: 'ftp://127.0.0.1/x' }), ['url'])
  assert.equal(await bad({ url: `http://127.0.0.1/${'a'.repeat(2048)}` }), ['url'])
  assert.equal(await bad({ url: 'http://127.0.0.1/x', events: ['task.*', 'tsk.created'] }), ['events.1'])
  assert.equal(await bad({ url: 'http://127.0.0.1/x', events: [] }), ['events'])
  assert.equal(await bad({ url: 'x', events: ['nope'], description: 'd'.repeat(501) }), ['description', 'events.0', 'url'])
  const hook = (await api.call('POST', base(pid), { as: 'ada', body: { url: 'http://127.0.0.1:9/v' } })).body.id
  const patch = await api.call('PATCH', `${base(pid)}/${hook}`, { as: 'ada', body: { events: ['bogus.*'], url: 'gopher://x' } })
  expectError(patch, 400, 'validation_error')
  assert.equal(patch.body.errors.map((e: any) => e.path).sort(), ['events.0', 'url'])
  expectError(await api.call('GET', `${base(pid)}/${hook}/deliveries?status=lost`, { as: 'ada' }), 400, 'validation_error')
  expectError(await api.call('GET', `${base(pid)}/${hook}/deliveries?limit=0`, { as: 'ada' }), 400, 'validation_error')
  expectError(await api.call('GET', `${base(pid)}?cursor=nope`, { as: 'ada' }), 400, 'validation_error')
  assert.is(await count(), before + 1)
})

it('patch: fields change and are audited; re-activation clears disabled_reason; a no-op changes nothing', async ({ api, pid }) => {
  const created = (await api.call('POST', base(pid), { as: 'ada', body: { url: 'http://127.0.0.1:9/p' } })).body
  const same = await api.call('PATCH', `${base(pid)}/${created.id}`, { as: 'ada', body: { url: created.url } })
  const { secret: _secret, ...shown } = created
  assert.equal(same.body, shown, 'nothing changed: not even updated_at')
  await api.sql("update webhook_endpoints set is_active = false, disabled_reason = 'the endpoint answered 410 Gone', failing_since = now() where id = ?", [created.id])
  const res = await api.call('PATCH', `${base(pid)}/${created.id}/`, { as: 'ada', body: { is_active: true, description: 'back', events: ['member.*'] } })
  assert.is(res.status, 200, JSON.stringify(res.body))
  assert.equal([res.body.is_active, res.body.disabled_reason, res.body.description, res.body.events], [true, null, 'back', ['member.*']])
  assert.equal(Object.keys(res.body).sort(), ENDPOINT_KEYS)
  const [row] = await api.sql('select failing_since from webhook_endpoints where id = ?', [created.id])
  assert.is(row.failing_since, null, 'the 5-day clock is reset')
  const audit = await api.call('GET', `/api/projects/${pid}/audit?entity_type=webhook&action=webhook_updated`, { as: 'ada' })
  assert.equal(audit.body.items[0].details.after, { description: 'back', events: ['member.*'], is_active: true, disabled_reason: null })
})

it('ping and redeliver: 202 with the delivery id; the delivery log lists it newest first with its body and attempts', async ({ api, pid }) => {
  const hook = (await api.call('POST', base(pid), { as: 'ada', body: { url: 'http://127.0.0.1:9/ping', events: ['task.created'] } })).body.id
  const ping = await api.call('POST', `${base(pid)}/${hook}/ping`, { as: 'ada' })
  assert.is(ping.status, 202, JSON.stringify(ping.body))
  assert.equal(Object.keys(ping.body), ['delivery_id'])
  await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'Evented' } })
  const list = await api.call('GET', `${base(pid)}/${hook}/deliveries`, { as: 'ada' })
  assert.is(list.status, 200)
  assert.equal(list.body.items.map((d: any) => d.event_type), ['task.created', 'webhook.ping'])
  assert.equal(Object.keys(list.body.items[0]).sort(), DELIVERY_KEYS)
  assert.equal([list.body.items[1].id, list.body.items[1].status, list.body.items[1].attempts], [ping.body.delivery_id, 'pending', 0])
  const page = await api.call('GET', `${base(pid)}/${hook}/deliveries?limit=1`, { as: 'ada' })
  const next = await api.call('GET', `${base(pid)}/${hook}/deliveries?limit=1&cursor=${page.body.next_cursor}`, { as: 'ada' })
  assert.equal([page.body.items[0].event_type, next.body.items[0].event_type, next.body.next_cursor], ['task.created', 'webhook.ping', null])
  assert.equal((await api.call('GET', `${base(pid)}/${hook}/deliveries?status=pending`, { as: 'ada' })).body.items.length, 2)
  assert.equal((await api.call('GET', `${base(pid)}/${hook}/deliveries?status=succeeded`, { as: 'ada' })).body.items, [])
  const one = await api.call('GET', `${base(pid)}/${hook}/deliveries/${ping.body.delivery_id}`, { as: 'ada' })
  assert.equal(Object.keys(one.body).sort(), [...DELIVERY_KEYS, 'attempt_log', 'request_body'].sort())
  const body = JSON.parse(one.body.request_body)
  assert.equal({ ...body, id: 0, created_at: 0 }, { id: 0, type: 'webhook.ping', created_at: 0, project_id: pid, sequence: null, data: {} })
  assert.is(body.id, one.body.event_id)
  assert.equal(one.body.attempt_log, [])
  const again = await api.call('POST', `${base(pid)}/${hook}/deliveries/${ping.body.delivery_id}/redeliver`, { as: 'ada' })
  assert.equal([again.status, again.body], [202, { delivery_id: ping.body.delivery_id }])
  await api.call('PATCH', `${base(pid)}/${hook}`, { as: 'ada', body: { is_active: false } })
  expectError(await api.call('POST', `${base(pid)}/${hook}/ping`, { as: 'ada' }), 409, 'conflict')
  expectError(await api.call('POST', `${base(pid)}/${hook}/deliveries/${ping.body.delivery_id}/redeliver`, { as: 'ada' }), 409, 'conflict')
})

it('delete: 204, its deliveries dropped, audited, then 404', async ({ api, pid }) => {
  const hook = (await api.call('POST', base(pid), { as: 'ada', body: { url: 'http://127.0.0.1:9/del' } })).body.id
  await api.call('POST', `${base(pid)}/${hook}/ping`, { as: 'ada' })
  const res = await api.call('DELETE', `${base(pid)}/${hook}`, { as: 'ada' })
  assert.equal([res.status, res.body], [204, null])
  assert.is((await api.sql('select count(*)::int as n from webhook_event_deliveries where endpoint_id = ?', [hook]))[0].n, 0)
  expectError(await api.call('GET', `${base(pid)}/${hook}`, { as: 'ada' }), 404, 'not_found')
  expectError(await api.call('DELETE', `${base(pid)}/${hook}`, { as: 'ada' }), 404, 'not_found')
})

it('SSRF: without TASKPORT_WEBHOOK_ALLOW_PRIVATE, private, loopback and unresolvable targets are a 400 (canned DNS)', async () => {
  const { lookup, asked } = cannedLookup({ 'public.test': ['93.184.216.34'], 'internal.test': ['192.168.1.20'], 'dual.test': ['93.184.216.34', 'fd00::1'] })
  const api = await startApi({ webhooks: { allowPrivate: false, lookup } })
  try {
    const pid = (await api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'ssrf', name: 'SSRF' } })).body.id
    const create = (url: string) => api.call('POST', base(pid), { as: 'wes', body: { url } })
    for (const url of ['http://127.0.0.1:8080/', 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[fd12::1]/', 'http://0.0.0.0/', 'http://internal.test/', 'http://dual.test/', 'http://unknown.test/', 'http://[::ffff:127.0.0.1]/']) {
      const res = await create(url)
      expectError(res, 400, 'validation_error')
      assert.equal(res.body.errors.map((e: any) => e.path), ['url'], url)
    }
    assert.is((await create('https://public.test/hook')).status, 201, 'a public address is accepted (nothing connects to it: no runner here)')
    assert.equal([...new Set(asked)].sort(), ['dual.test', 'internal.test', 'public.test', 'unknown.test'])
    const hook = (await api.call('GET', base(pid), { as: 'wes' })).body.items[0].id
    expectError(await api.call('PATCH', `${base(pid)}/${hook}`, { as: 'wes', body: { url: 'http://internal.test/' } }), 400, 'validation_error')
    // A member may not probe hosts: refused for the role before the URL is looked at.
    await api.call('POST', `/api/projects/${pid}/members`, { as: 'wes', body: { user_id: 'mia', email: 'mia@example.com', role: 'member' } })
    const before = asked.length
    expectError(await api.call('POST', base(pid), { as: 'mia', body: { url: 'http://probe.test/' } }), 403, 'forbidden')
    assert.is(asked.length, before)
    assert.equal(fence.offLoopback, [], 'no socket went anywhere but loopback')
  } finally {
    await api.stop()
  }
})

it.run()
