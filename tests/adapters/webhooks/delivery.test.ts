// Deliveries end to end: a real server on PostgreSQL with its delivery runner, and receivers on 127.0.0.1.
// Signatures are verified by the `standardwebhooks` package, never by our code.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { fence } from '../../support/loopback-fence.js'
import { Webhook } from 'standardwebhooks'
import { startApi, type ApiServer } from '../../support/http.js'
import { startReceiver, type Receiver } from '../../support/receiver.js'
import { cannedLookup } from '../../support/dns.js'

interface Ctx {
  api: ApiServer
  pid: number
  receiver: Receiver
}

const it = suite<Ctx>('outgoing webhook deliveries')
const RETRIES = [100, 100, 100]

it.before(async (ctx) => {
  ctx.api = await startApi({ webhooks: { delivery: { timeoutMs: 1500, retrySchedule: RETRIES, pollMs: 50 } } })
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'deliveries', name: 'Deliveries', key: 'DL' } })).body.id
})
it.after(async (ctx) => ctx.api.stop())
it.before.each(async (ctx) => {
  ctx.receiver = await startReceiver()
})
it.after.each(async (ctx) => ctx.receiver.stop())

const subscribe = async (api: ApiServer, pid: number, url: string, events?: string[]) => {
  const res = await api.call('POST', `/api/projects/${pid}/webhooks`, { as: 'wes', body: { url, ...(events ? { events } : {}) } })
  assert.is(res.status, 201, JSON.stringify(res.body))
  return res.body as { id: string; secret: string }
}

const deliveries = async (api: ApiServer, pid: number, hook: string) => (await api.call('GET', `/api/projects/${pid}/webhooks/${hook}/deliveries`, { as: 'wes' })).body.items
const detail = async (api: ApiServer, pid: number, hook: string, id: string) => (await api.call('GET', `/api/projects/${pid}/webhooks/${hook}/deliveries/${id}`, { as: 'wes' })).body

/** Polls `check` until it holds (deliveries are asynchronous), failing after `ms`. */
const eventually = async <T>(check: () => Promise<T | undefined>, ms = 10_000): Promise<T> => {
  const until = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error('the condition did not hold in time')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

it('a change is delivered as the Standard Webhooks format: headers, signature, body with the task as object', async ({ api, pid, receiver }) => {
  const hook = await subscribe(api, pid, receiver.url, ['task.*'])
  const created = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'Signed', priority: 'high' } })
  const [request] = await receiver.waitFor(1)
  assert.ok(request)
  const h = request.headers
  assert.is(h['content-type'], 'application/json')
  assert.match(String(h['user-agent']), /^taskport-webhooks\/\d+\.\d+\.\d+$/)
  assert.match(String(h['webhook-id']), /^evt_[0-9a-f]{32}$/)
  assert.ok(Math.abs(Number(h['webhook-timestamp']) - Date.now() / 1000) < 30)
  assert.match(String(h['webhook-signature']), /^v1,[A-Za-z0-9+/]{43}=$/)
  const verified = new Webhook(hook.secret).verify(request.body, { 'webhook-id': String(h['webhook-id']), 'webhook-timestamp': String(h['webhook-timestamp']), 'webhook-signature': String(h['webhook-signature']) }) as any
  assert.is(verified.type, 'task.created')
  assert.throws(() => new Webhook(hook.secret).verify(`${request.body} `, h as Record<string, string>), 'a changed body does not verify')
  const body = JSON.parse(request.body)
  assert.is(body.id, h['webhook-id'])
  const [entry] = (await api.call('GET', `/api/tasks/${created.body.id}/audit`, { as: 'wes' })).body.items
  assert.equal({ ...body, created_at: 0 }, {
    id: body.id, type: 'task.created', created_at: 0, project_id: pid, sequence: entry.id,
    data: { entity_type: 'task', entity_id: String(created.body.id), action: 'created', actor_id: entry.actor_id, actor_type: 'human', details: entry.details, object: created.body },
  })
  const [delivery] = await eventually(async () => {
    const list = await deliveries(api, pid, hook.id)
    return list[0]?.status === 'succeeded' ? list : undefined
  })
  const one = await detail(api, pid, hook.id, delivery.id)
  assert.is(one.request_body, request.body, 'the log keeps the exact body sent')
  assert.equal(one.attempt_log.map((a: any) => [a.status_code, a.error]), [[204, null]])
  assert.type(one.attempt_log[0].duration_ms, 'number')
  await api.call('DELETE', `/api/projects/${pid}/webhooks/${hook.id}`, { as: 'wes' })
})

it('a receiver that fails twice then succeeds: three attempts, the same webhook-id and byte-identical body, all logged', async ({ api, pid, receiver }) => {
  receiver.answer = (_r, n) => (n <= 2 ? { status: 500, body: `not yet ${n}` } : { status: 200, body: 'ok' })
  const hook = await subscribe(api, pid, receiver.url)
  await api.call('POST', `/api/projects/${pid}/webhooks/${hook.id}/ping`, { as: 'wes' })
  const requests = await receiver.waitFor(3)
  assert.equal(new Set(requests.map((r) => r.headers['webhook-id'])).size, 1)
  assert.equal(new Set(requests.map((r) => r.body)).size, 1)
  for (const r of requests) new Webhook(hook.secret).verify(r.body, r.headers as Record<string, string>)
  const [delivery] = await eventually(async () => {
    const list = await deliveries(api, pid, hook.id)
    return list[0]?.status === 'succeeded' ? list : undefined
  })
  assert.equal([delivery.attempts, delivery.last_status_code, delivery.last_error, delivery.next_attempt_at], [3, 200, null, null])
  assert.type(delivery.delivered_at, 'string')
  const one = await detail(api, pid, hook.id, delivery.id)
  assert.equal(one.attempt_log.map((a: any) => [a.status_code, a.response_excerpt]), [[500, 'not yet 1'], [500, 'not yet 2'], [200, 'ok']])
  assert.is(requests.length, 3, 'nothing more after the success')
  await api.call('DELETE', `/api/projects/${pid}/webhooks/${hook.id}`, { as: 'wes' })
})

it('N retries then failed; redelivery makes one more attempt with the same id and body', async ({ api, pid, receiver }) => {
  receiver.answer = () => ({ status: 503, body: 'x'.repeat(5000) })
  const hook = await subscribe(api, pid, receiver.url)
  await api.call('POST', `/api/projects/${pid}/webhooks/${hook.id}/ping`, { as: 'wes' })
  const [delivery] = await eventually(async () => {
    const list = await deliveries(api, pid, hook.id)
    return list[0]?.status === 'failed' ? list : undefined
  })
  assert.equal([delivery.attempts, delivery.last_status_code, delivery.next_attempt_at], [RETRIES.length + 1, 503, null])
  const one = await detail(api, pid, hook.id, delivery.id)
  assert.ok(one.attempt_log.every((a: any) => Buffer.byteLength(a.response_excerpt) === 1024), 'at most 1 KiB of each response')
  receiver.answer = () => ({ status: 204 })
  const res = await api.call('POST', `/api/projects/${pid}/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`, { as: 'wes' })
  assert.equal([res.status, res.body], [202, { delivery_id: delivery.id }])
  await receiver.waitFor(RETRIES.length + 2)
  const after = await eventually(async () => {
    const d = await detail(api, pid, hook.id, delivery.id)
    return d.status === 'succeeded' ? d : undefined
  })
  assert.is(after.attempts, RETRIES.length + 2)
  assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1)
  assert.equal(new Set(receiver.received.map((r) => r.body)).size, 1)
  await api.call('DELETE', `/api/projects/${pid}/webhooks/${hook.id}`, { as: 'wes' })
})

it('410 Gone disables the endpoint at once (audited); later changes are not delivered; re-activating resumes', async ({ api, pid, receiver }) => {
  receiver.answer = () => ({ status: 410 })
  const hook = await subscribe(api, pid, receiver.url, ['task.created'])
  await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'Gone' } })
  const endpoint = await eventually(async () => {
    const e = (await api.call('GET', `/api/projects/${pid}/webhooks/${hook.id}`, { as: 'wes' })).body
    return e.is_active ? undefined : e
  })
  assert.is(endpoint.disabled_reason, 'the endpoint answered 410 Gone')
  const audit = await api.call('GET', `/api/projects/${pid}/audit?action=webhook_disabled`, { as: 'wes' })
  assert.equal(audit.body.items.map((e: any) => [e.entity_id, e.actor_type, e.actor_id]), [[hook.id, 'api_token', hook.id]])
  assert.is(receiver.received.length, 1)
  await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'Not sent' } })
  await new Promise((resolve) => setTimeout(resolve, 300))
  assert.is(receiver.received.length, 1, 'no new deliveries for an inactive endpoint')
  receiver.answer = () => ({ status: 204 })
  await api.call('PATCH', `/api/projects/${pid}/webhooks/${hook.id}`, { as: 'wes', body: { is_active: true } })
  await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'Back' } })
  const [, back] = await receiver.waitFor(2)
  assert.is(JSON.parse(back?.body ?? '{}').data.object.title, 'Back', 'the delivery that got 410 is not retried')
  const first = (await deliveries(api, pid, hook.id)).find((d: any) => d.last_status_code === 410)
  assert.equal([first.status, first.attempts, first.next_attempt_at], ['failed', 1, null])
  await api.call('DELETE', `/api/projects/${pid}/webhooks/${hook.id}`, { as: 'wes' })
})

it('failed attempts: a redirect is not followed, a timeout and a refused connection are errors', async ({ api, pid, receiver }) => {
  const target = await startReceiver('/target')
  try {
    receiver.answer = () => ({ status: 302, headers: { location: target.url } })
    const redirected = await subscribe(api, pid, receiver.url)
    await api.call('POST', `/api/projects/${pid}/webhooks/${redirected.id}/ping`, { as: 'wes' })
    const [d1] = await eventually(async () => {
      const list = await deliveries(api, pid, redirected.id)
      return list[0]?.status === 'failed' ? list : undefined
    })
    assert.equal([d1.last_status_code, target.received.length], [302, 0])
    assert.match(d1.last_error, 'redirects are not followed')
    await api.call('DELETE', `/api/projects/${pid}/webhooks/${redirected.id}`, { as: 'wes' })

    receiver.answer = () => ({ hang: true })
    const slow = await subscribe(api, pid, receiver.url)
    await api.call('POST', `/api/projects/${pid}/webhooks/${slow.id}/ping`, { as: 'wes' })
    const [first] = await eventually(async () => {
      const list = await deliveries(api, pid, slow.id)
      return list[0]?.attempts >= 1 ? list : undefined
    })
    assert.equal(first.last_status_code, null)
    assert.match(first.last_error, 'timed out')
    await api.call('DELETE', `/api/projects/${pid}/webhooks/${slow.id}`, { as: 'wes' })

    const closed = await startReceiver()
    const url = closed.url
    await closed.stop()
    const refused = await subscribe(api, pid, url)
    await api.call('POST', `/api/projects/${pid}/webhooks/${refused.id}/ping`, { as: 'wes' })
    const [d3] = await eventually(async () => {
      const list = await deliveries(api, pid, refused.id)
      return list[0]?.attempts >= 1 ? list : undefined
    })
    assert.match(d3.last_error, 'refused')
    await api.call('DELETE', `/api/projects/${pid}/webhooks/${refused.id}`, { as: 'wes' })
  } finally {
    await target.stop()
  }
})

it('receiver down, then back: everything queued arrives, each event once (only failed attempts repeat)', async ({ receiver }) => {
  // Its own server: a schedule long enough (0.3 s .. 4.8 s, 9.3 s in all) to outlast the receiver's outage.
  const api = await startApi({ webhooks: { delivery: { timeoutMs: 1500, retrySchedule: [300, 600, 1200, 2400, 4800], pollMs: 50 } } })
  try {
    const pid = (await api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'down-and-up', name: 'Down' } })).body.id
    let down = true
    receiver.answer = () => (down ? { status: 503 } : { status: 204 })
    const hook = await subscribe(api, pid, receiver.url, ['task.created'])
    for (let i = 0; i < 20; i += 1) await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: `Queued ${i}` } })
    await receiver.waitFor(20)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    down = false
    const succeeded = await eventually(async () => {
      const list = (await api.call('GET', `/api/projects/${pid}/webhooks/${hook.id}/deliveries?status=succeeded&limit=200`, { as: 'wes' })).body.items
      return list.length === 20 ? list : undefined
    }, 20_000)
    const ok = receiver.received.filter((r, i) => i >= 0 && r.headers['webhook-id'])
    const byEvent = new Map<string, number>()
    for (const r of ok) byEvent.set(String(r.headers['webhook-id']), (byEvent.get(String(r.headers['webhook-id'])) ?? 0) + 1)
    assert.is(byEvent.size, 20, 'every event arrived')
    assert.ok([...byEvent.values()].every((n) => n >= 2), 'each was attempted while down and again when back')
    assert.is(receiver.received.length, succeeded.reduce((n: number, d: any) => n + d.attempts, 0), 'no request beyond the logged attempts')
    const lastAttempts = await Promise.all(succeeded.map(async (d: any) => (await detail(api, pid, hook.id, d.id)).attempt_log.at(-1).status_code))
    assert.ok(lastAttempts.every((code) => code === 204), 'each one succeeded exactly once, at its last attempt')
  } finally {
    await api.stop()
  }
})

it('SSRF at delivery: a name that resolved publicly at creation and privately at delivery is never connected to', async () => {
  const names: Record<string, string[]> = { 'rebind.test': ['93.184.216.34'] }
  const { lookup, asked } = cannedLookup(names)
  const api = await startApi({ webhooks: { allowPrivate: false, lookup, delivery: { timeoutMs: 1000, retrySchedule: [], pollMs: 50 } } })
  try {
    const pid = (await api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'rebind', name: 'Rebind' } })).body.id
    const hook = await subscribe(api, pid, 'http://rebind.test:9/hook')
    names['rebind.test'] = ['10.0.0.7']
    await api.call('POST', `/api/projects/${pid}/webhooks/${hook.id}/ping`, { as: 'wes' })
    const [delivery] = await eventually(async () => {
      const list = await deliveries(api, pid, hook.id)
      return list[0]?.status === 'failed' ? list : undefined
    })
    assert.match(delivery.last_error, 'refused: rebind.test resolves to 10.0.0.7, a private address')
    assert.equal(delivery.last_status_code, null)
    assert.ok(asked.filter((n) => n === 'rebind.test').length >= 2, 'resolved at creation and again at the connection')
    assert.equal(fence.offLoopback, [], 'no socket went anywhere but loopback')
  } finally {
    await api.stop()
  }
})

it.run()
