// Managing endpoints: admin+ (a member gets Forbidden, a non-member NotFound), the secret shown once and stored
// sealed, URLs checked by the guard, the filter validated, every change audited as entity `webhook`.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { aesGcmCipher } from '../../../src/adapters/system/index.js'
import type { AppError } from '../../../src/application/index.js'
import { left, right } from '../../support/app-fixture.js'

const paths = (error: AppError): readonly string[] => (error._tag === 'ValidationFailed' ? error.issues.map((i) => i.path) : [error._tag])
import { deliveries, KEY, setup, tables } from './webhook-fixture.js'

test('create: admin+, a whsec_ secret of 32 random bytes shown once and stored sealed, audited without it', async () => {
  const { f, owner, admin, member, outsider, pid } = await setup()
  const created = right(await f.tp.webhooks.create(admin, pid, { url: 'https://hooks.test/in', events: ['task.*'], description: 'CI' }))
  assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
  assert.is(Buffer.from(created.secret.slice(6), 'base64').length, 32)
  assert.equal({ ...created.endpoint, secretSealed: 'x', id: 'x', createdAt: 0, updatedAt: 0 }, {
    id: 'x', projectId: pid, url: 'https://hooks.test/in', events: ['task.*'], description: 'CI', isActive: true, disabledReason: null,
    secretSealed: 'x', createdById: admin.worker.id, createdAt: 0, updatedAt: 0, failingSince: null, lastSuccessAt: null,
  })
  const stored = tables(f).webhookEndpoints.get(created.endpoint.id)
  assert.ok(stored && !stored.secretSealed.includes(created.secret.slice(6)))
  assert.is(aesGcmCipher(KEY).open(stored?.secretSealed ?? ''), created.secret)
  const [entry] = tables(f).audit.filter((e) => e.entityType === 'webhook')
  assert.equal({ action: entry?.action, entityId: entry?.entityId, after: entry?.details.after }, {
    action: 'webhook_created', entityId: created.endpoint.id,
    after: { url: 'https://hooks.test/in', events: ['task.*'], description: 'CI', is_active: true, disabled_reason: null },
  })
  assert.ok(!JSON.stringify(tables(f).audit).includes(created.secret))
  left(await f.tp.webhooks.create(member, pid, { url: 'https://hooks.test/in' }), 'Forbidden')
  left(await f.tp.webhooks.create(outsider, pid, { url: 'https://hooks.test/in' }), 'NotFound')
  right(await f.tp.webhooks.create(owner, pid, { url: 'https://hooks.test/in' }))
  assert.equal(right(await f.tp.webhooks.get(admin, pid, created.endpoint.id)).id, created.endpoint.id)
  left(await f.tp.webhooks.get(member, pid, created.endpoint.id), 'Forbidden')
  left(await f.tp.webhooks.get(outsider, pid, created.endpoint.id), 'NotFound')
})

test('create: URLs, events and descriptions are checked; private targets refused (canned DNS, no connection)', async () => {
  const { f, admin, pid } = await setup()
  const refused = async (command: { url: string; events?: string[]; description?: string }) => {
    const error = left(await f.tp.webhooks.create(admin, pid, command), 'ValidationFailed')
    return [...paths(error)]
  }
  assert.equal(await refused({ url: 'ftp://hooks.test/' }), ['url'])
  assert.equal(await refused({ url: `https://hooks.test/${'a'.repeat(2048)}` }), ['url'])
  assert.equal(await refused({ url: 'https://hooks.test/', events: ['task.*', 'task.nope'] }), ['events.1'])
  assert.equal(await refused({ url: 'https://hooks.test/', events: [] }), ['events'])
  assert.equal((await refused({ url: 'nope', events: ['x'], description: 'd'.repeat(501) })).sort(), ['description', 'events.0', 'url'])
  for (const url of ['http://evil.test/', 'http://mixed.test/', 'http://127.0.0.1:9/', 'http://[::1]/', 'http://10.1.2.3/', 'http://0.0.0.0/', 'http://nowhere.test/']) {
    assert.equal(await refused({ url }), ['url'], url)
  }
  const error = left(await f.tp.webhooks.create(admin, pid, { url: 'http://evil.test/x' }), 'ValidationFailed')
  assert.equal(error._tag === 'ValidationFailed' && error.issues[0]?.message, 'url: evil.test resolves to 10.0.0.5, a private address')
  assert.is(tables(f).webhookEndpoints.size, 0)
})

test('update: fields, a re-checked URL, re-activation clearing the failure state; a no-op writes nothing', async () => {
  const { f, admin, member, pid, subscribe } = await setup()
  const { endpoint } = await subscribe()
  const audits = () => tables(f).audit.filter((e) => e.entityType === 'webhook').length
  const before = audits()
  assert.is(right(await f.tp.webhooks.update(admin, pid, endpoint.id, { url: endpoint.url, events: ['*'] })), endpoint)
  assert.is(audits(), before, 'nothing changed: no write, no audit')
  left(await f.tp.webhooks.update(admin, pid, endpoint.id, { url: 'http://evil.test/' }), 'ValidationFailed')
  left(await f.tp.webhooks.update(admin, pid, endpoint.id, { events: ['bogus'] }), 'ValidationFailed')
  left(await f.tp.webhooks.update(member, pid, endpoint.id, { description: 'x' }), 'Forbidden')
  f.clock.advance()
  const changed = right(await f.tp.webhooks.update(admin, pid, endpoint.id, { url: 'https://hooks.test/v2', description: null, events: ['member.*'] }))
  assert.equal([changed.url, changed.events, changed.description], ['https://hooks.test/v2', ['member.*'], null])
  assert.ok(changed.updatedAt > endpoint.updatedAt)
  // As the runner disables an endpoint: then re-activation clears the reason and the 5-day clock.
  const disabled = { ...changed, isActive: false, disabledReason: 'the endpoint answered 410 Gone', failingSince: f.clock.now() }
  await f.adapters.uow.run(async (stores) => { await stores.webhooks.updateEndpoint(disabled); return { _tag: 'Right', right: undefined } as const })
  const active = right(await f.tp.webhooks.update(admin, pid, endpoint.id, { isActive: true }))
  assert.equal([active.isActive, active.disabledReason, active.failingSince], [true, null, null])
  const last = tables(f).audit.filter((e) => e.entityType === 'webhook').at(-1)
  assert.equal(last?.details, { before: { is_active: false, disabled_reason: 'the endpoint answered 410 Gone' }, after: { is_active: true, disabled_reason: null } })
})

test('delete: its deliveries go with it; audited; then it is not found', async () => {
  const { f, owner, admin, pid, subscribe } = await setup()
  const { endpoint } = await subscribe()
  right(await f.tp.tasks.create(owner, pid, { title: 'T' }))
  assert.is(deliveries(f).length, 1)
  right(await f.tp.webhooks.delete(admin, pid, endpoint.id))
  assert.is(deliveries(f).length, 0)
  left(await f.tp.webhooks.get(admin, pid, endpoint.id), 'NotFound')
  left(await f.tp.webhooks.delete(admin, pid, endpoint.id), 'NotFound')
  assert.ok(tables(f).audit.some((e) => e.action === 'webhook_deleted' && e.entityId === endpoint.id))
})

test('ping: one webhook.ping delivery for that endpoint only, whatever it filters; refused while inactive', async () => {
  const { f, admin, pid, subscribe } = await setup()
  const { endpoint } = await subscribe(['member.removed'])
  await subscribe()
  const { deliveryId } = right(await f.tp.webhooks.ping(admin, pid, endpoint.id))
  assert.equal(deliveries(f).map((d) => [d.id, d.endpointId, d.eventType]), [[deliveryId, endpoint.id, 'webhook.ping']])
  const [event] = [...tables(f).webhookEvents.values()]
  const body = JSON.parse(event?.body ?? '{}')
  assert.equal({ type: body.type, sequence: body.sequence, data: body.data, project_id: body.project_id }, { type: 'webhook.ping', sequence: null, data: {}, project_id: pid })
  assert.is(tables(f).audit.filter((e) => e.entityType === 'webhook').length, 2, 'a ping changes nothing: not audited')
  right(await f.tp.webhooks.update(admin, pid, endpoint.id, { isActive: false }))
  left(await f.tp.webhooks.ping(admin, pid, endpoint.id), 'Conflict')
})

test('deliveries: newest first, paginated, filtered by status; one with its body and attempts; redeliver', async () => {
  const { f, owner, admin, member, pid, subscribe } = await setup()
  const { endpoint } = await subscribe()
  for (let i = 0; i < 5; i += 1) {
    f.clock.advance()
    right(await f.tp.tasks.create(owner, pid, { title: `T${i}` }))
  }
  const first = right(await f.tp.webhooks.deliveries(admin, pid, endpoint.id, { limit: 3 }))
  const second = right(await f.tp.webhooks.deliveries(admin, pid, endpoint.id, { limit: 3, cursor: first.nextCursor ?? '' }))
  const titles = async (ids: readonly string[]) => Promise.all(ids.map(async (id) => JSON.parse(right(await f.tp.webhooks.delivery(admin, pid, endpoint.id, id)).requestBody).data.object.title))
  assert.equal(await titles([...first.items, ...second.items].map((d) => d.id)), ['T4', 'T3', 'T2', 'T1', 'T0'])
  assert.is(second.nextCursor, null)
  assert.is(right(await f.tp.webhooks.deliveries(admin, pid, endpoint.id, { status: 'succeeded' })).items.length, 0)
  assert.is(right(await f.tp.webhooks.deliveries(admin, pid, endpoint.id, { status: 'pending' })).items.length, 5)
  left(await f.tp.webhooks.deliveries(admin, pid, endpoint.id, { status: 'lost' }), 'ValidationFailed')
  left(await f.tp.webhooks.deliveries(member, pid, endpoint.id, {}), 'Forbidden')
  const one = first.items[0]?.id ?? ''
  const detail = right(await f.tp.webhooks.delivery(admin, pid, endpoint.id, one))
  assert.equal(detail.attempts, [])
  left(await f.tp.webhooks.delivery(admin, pid, endpoint.id, '00000000-0000-4000-8000-000000000000'), 'NotFound')
  const other = await subscribe()
  left(await f.tp.webhooks.delivery(admin, pid, other.endpoint.id, one), 'NotFound', 'Delivery ' + one + ' not found')
  // A finished delivery gets one more attempt, without retries after it.
  await f.adapters.uow.run(async (stores) => {
    await stores.webhooks.updateDelivery({ ...detail.delivery, onDemand: false, status: 'failed', attempts: 8, nextAttemptAt: null }, null)
    return { _tag: 'Right', right: undefined } as const
  })
  assert.equal(right(await f.tp.webhooks.redeliver(admin, pid, endpoint.id, one)), { deliveryId: one })
  const again = tables(f).eventDeliveries.get(one)
  assert.equal([again?.status, again?.onDemand, again?.nextAttemptAt?.getTime(), again?.attempts], ['pending', true, f.clock.now().getTime(), 8])
  left(await f.tp.webhooks.redeliver(admin, pid, other.endpoint.id, one), 'NotFound')
})

test.run()
