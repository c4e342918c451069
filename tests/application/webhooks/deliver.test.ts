// The runner's two database steps without HTTP: claiming (opened secret, lease, per-endpoint room) and recording
// attempts (succeeded, retried by the schedule, failed after N + 1 attempts, one attempt on demand), with the
// endpoint's health: 410 and 5 days of failures disable it, audited with the endpoint as actor.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { DeliveryAttempt } from '../../../src/domain/index.js'
import { DISABLE_AFTER_MS, DISABLED_REASONS } from '../../../src/domain/index.js'
import { right } from '../../support/app-fixture.js'
import { setup, tables } from './webhook-fixture.js'

const SCHEDULE = [1000, 5000]
const claimOptions = { limit: 50, perEndpoint: 10, leaseMs: 60_000 }

const scenario = async () => {
  const s = await setup({ webhookRetrySchedule: SCHEDULE })
  const hook = await s.subscribe()
  right(await s.f.tp.tasks.create(s.owner, s.pid, { title: 'T' }))
  const answer = (statusCode: number | null, error: string | null = null): DeliveryAttempt => ({ at: s.f.clock.now(), statusCode, durationMs: 12, error, responseExcerpt: statusCode ? `answer ${statusCode}` : '' })
  /** Claims what is due now, answers each with `statusCode`, records; returns the claimed jobs. */
  const attempt = async (statusCode: number | null, error: string | null = null) => {
    const jobs = right(await s.f.tp.webhooks.claimDue(claimOptions))
    right(await s.f.tp.webhooks.recordAttempts(jobs.map((job) => ({ job, attempt: answer(statusCode, error) }))))
    return jobs
  }
  const delivery = () => [...tables(s.f).eventDeliveries.values()][0]
  const endpoint = () => tables(s.f).webhookEndpoints.get(hook.endpoint.id)
  return { ...s, hook, answer, attempt, delivery, endpoint }
}

test('claim: due deliveries with their opened secret, body and a lease; a leased one is not claimed again', async () => {
  const { f, hook, delivery } = await scenario()
  const [job, ...rest] = right(await f.tp.webhooks.claimDue(claimOptions))
  assert.is(rest.length, 0)
  assert.equal({ url: job?.url, secret: job?.secret, endpointId: job?.endpointId, deliveryId: job?.deliveryId }, { url: hook.endpoint.url, secret: hook.secret, endpointId: hook.endpoint.id, deliveryId: delivery()?.id })
  assert.is(JSON.parse(job?.body ?? '{}').id, job?.eventId)
  assert.equal(right(await f.tp.webhooks.claimDue(claimOptions)), [], 'leased')
  f.clock.advance(61_000)
  assert.is(right(await f.tp.webhooks.claimDue(claimOptions)).length, 1, 'the lease ran out: claimed again')
})

test('a success: succeeded, delivered_at, the attempt logged, the endpoint healthy', async () => {
  const { f, attempt, delivery, endpoint } = await scenario()
  await attempt(204)
  assert.equal({ status: delivery()?.status, attempts: delivery()?.attempts, next: delivery()?.nextAttemptAt, code: delivery()?.lastStatusCode, error: delivery()?.lastError, at: delivery()?.deliveredAt }, {
    status: 'succeeded', attempts: 1, next: null, code: 204, error: null, at: f.clock.now(),
  })
  assert.equal(tables(f).deliveryAttempts.get(delivery()?.id ?? ''), [{ at: f.clock.now(), statusCode: 204, durationMs: 12, error: null, responseExcerpt: 'answer 204' }])
  assert.equal([endpoint()?.lastSuccessAt, endpoint()?.failingSince], [f.clock.now(), null])
  assert.equal(right(await f.tp.webhooks.claimDue(claimOptions)), [])
})

test('failures follow the schedule: N delays, N + 1 attempts, then failed; the 5-day clock starts at the first', async () => {
  const { f, attempt, delivery, endpoint } = await scenario()
  const start = f.clock.now()
  await attempt(500)
  assert.equal([delivery()?.status, delivery()?.nextAttemptAt, delivery()?.lastError], ['pending', new Date(start.getTime() + 1000), 'the endpoint answered 500'])
  assert.equal(endpoint()?.failingSince, start)
  assert.equal(right(await f.tp.webhooks.claimDue(claimOptions)), [], 'not due yet')
  f.clock.advance(1000)
  await attempt(null, 'connection refused')
  assert.equal([delivery()?.status, delivery()?.attempts, delivery()?.lastError, delivery()?.lastStatusCode], ['pending', 2, 'connection refused', null])
  f.clock.advance(5000)
  await attempt(503)
  assert.equal([delivery()?.status, delivery()?.attempts, delivery()?.nextAttemptAt], ['failed', 3, null])
  assert.equal(endpoint()?.failingSince, start, 'still failing since the first failure')
  assert.is(tables(f).deliveryAttempts.get(delivery()?.id ?? '')?.length, 3)
  assert.ok(endpoint()?.isActive, 'not disabled before 5 days')
})

test('on demand: a redelivered finished delivery gets one attempt and no retries; a success clears the failure clock', async () => {
  const { f, admin, pid, hook, attempt, delivery, endpoint } = await scenario()
  await attempt(500)
  f.clock.advance(1000)
  await attempt(500)
  f.clock.advance(5000)
  await attempt(500)
  assert.is(delivery()?.status, 'failed')
  right(await f.tp.webhooks.redeliver(admin, pid, hook.endpoint.id, delivery()?.id ?? ''))
  await attempt(500)
  assert.equal([delivery()?.status, delivery()?.attempts, delivery()?.nextAttemptAt], ['failed', 4, null])
  right(await f.tp.webhooks.redeliver(admin, pid, hook.endpoint.id, delivery()?.id ?? ''))
  await attempt(200)
  assert.equal([delivery()?.status, delivery()?.attempts, endpoint()?.failingSince], ['succeeded', 5, null])
})

test('on demand after a success: the one attempt fails, and the delivery is failed, not retried', async () => {
  const { f, admin, pid, hook, attempt, delivery } = await scenario()
  await attempt(200)
  right(await f.tp.webhooks.redeliver(admin, pid, hook.endpoint.id, delivery()?.id ?? ''))
  await attempt(500)
  assert.equal([delivery()?.status, delivery()?.attempts, delivery()?.nextAttemptAt], ['failed', 2, null])
})

test('410 Gone disables the endpoint at once, audited with the endpoint as actor; its deliveries wait', async () => {
  const { f, owner, pid, hook, attempt, endpoint, delivery } = await scenario()
  await attempt(410)
  assert.equal([endpoint()?.isActive, endpoint()?.disabledReason], [false, DISABLED_REASONS.gone])
  assert.equal([delivery()?.status, delivery()?.nextAttemptAt], ['failed', null], 'that event is not tried there again')
  const [entry] = tables(f).audit.filter((e) => e.action === 'webhook_disabled')
  assert.equal({ actor: entry?.actor, entityId: entry?.entityId, details: entry?.details }, {
    actor: { type: 'api_token', id: hook.endpoint.id }, entityId: hook.endpoint.id,
    details: { before: { is_active: true, disabled_reason: null }, after: { is_active: false, disabled_reason: DISABLED_REASONS.gone } },
  })
  right(await f.tp.tasks.create(owner, pid, { title: 'after' }))
  f.clock.advance(10_000)
  assert.equal(right(await f.tp.webhooks.claimDue(claimOptions)), [], 'an inactive endpoint gets no attempts and no new deliveries')
})

test('5 days of failures without a success disable the endpoint; once', async () => {
  const { f, owner, pid, attempt, endpoint } = await scenario()
  await attempt(500)
  f.clock.advance(DISABLE_AFTER_MS - 2000)
  right(await f.tp.tasks.create(owner, pid, { title: 'more' }))
  await attempt(500)
  assert.ok(endpoint()?.isActive)
  f.clock.advance(2000)
  await attempt(502)
  assert.equal([endpoint()?.isActive, endpoint()?.disabledReason], [false, DISABLED_REASONS.failing])
  assert.is(tables(f).audit.filter((e) => e.action === 'webhook_disabled').length, 1)
})

test('an attempt whose claim was taken over is logged but leaves the delivery to the newer claim', async () => {
  const { f, answer, delivery } = await scenario()
  const [stale] = right(await f.tp.webhooks.claimDue(claimOptions))
  f.clock.advance(61_000)
  const [fresh] = right(await f.tp.webhooks.claimDue(claimOptions))
  assert.ok(stale && fresh && stale.claimToken !== fresh.claimToken)
  right(await f.tp.webhooks.recordAttempts([{ job: stale, attempt: answer(500) }]))
  assert.equal([delivery()?.status, delivery()?.attempts], ['pending', 0], 'the stale claim changed nothing')
  right(await f.tp.webhooks.recordAttempts([{ job: fresh, attempt: answer(200) }]))
  assert.equal([delivery()?.status, delivery()?.attempts], ['succeeded', 1])
  assert.is(tables(f).deliveryAttempts.get(delivery()?.id ?? '')?.length, 2, 'both attempts are in the log')
})

test('a secret that cannot be opened: the job says so instead of carrying it', async () => {
  const { f } = await scenario()
  const { aesGcmCipher } = await import('../../../src/adapters/system/index.js')
  const { createTaskport } = await import('../../../src/application/taskport.js')
  const other = createTaskport({ ...f.adapters, uow: f.faults, clock: f.clock, cipher: aesGcmCipher(Buffer.alloc(32, 9)) })
  const [job] = right(await other.webhooks.claimDue(claimOptions))
  assert.is(job?.secret, undefined)
  assert.match(job?.refusal ?? '', 'signing secret cannot be opened')
})

test.run()
