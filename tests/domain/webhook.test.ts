// Outgoing webhooks' pure rules: event types of audit entries, the events filter with wildcards, URLs, the retry
// schedule and the rules that disable an endpoint. Property tests for the filter and the schedule.
import * as fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '../../src/domain/audit.js'
import {
  checkWebhookUrl, DEFAULT_RETRY_SCHEDULE, DISABLE_AFTER_MS, DISABLED_REASONS, disableReason, EVENT_TYPES, eventTypeOf, isSuccess,
  matchesEventFilter, nextAttemptAt, parseDuration, parseRetrySchedule, validateEventFilter, type EventType,
} from '../../src/domain/webhook.js'
import { fail, ok, paths } from '../support/either.js'

const right = <A>(e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left)
  return e.right
}
import { T0 } from '../support/builders.js'

test("the contract's event types, and the audit action each comes from", () => {
  assert.equal([...EVENT_TYPES], [
    'task.created', 'task.updated', 'task.deleted', 'task.status_changed', 'task.status_synced', 'task.progress_updated',
    'task.assigned', 'task.unassigned', 'task.approved', 'task.rejected', 'task.synced', 'project.updated',
    'member.added', 'member.role_changed', 'member.removed', 'api_token.created', 'api_token.revoked',
    'integration.created', 'integration.deleted', 'webhook.ping',
  ])
  const of = (entityType: (typeof AUDIT_ENTITY_TYPES)[number], action: (typeof AUDIT_ACTIONS)[number], projectId: number | null = 1) => eventTypeOf({ projectId, entityType, action })
  assert.is(of('task', 'status_synced'), 'task.status_synced')
  assert.is(of('member', 'role_changed'), 'member.role_changed')
  assert.is(of('api_token', 'token_revoked'), 'api_token.revoked')
  assert.is(of('integration', 'integration_deleted'), 'integration.deleted')
  assert.is(of('project', 'updated'), 'project.updated')
  assert.is(of('project', 'created'), undefined, 'nobody can have subscribed to a project that did not exist')
  assert.is(of('webhook', 'webhook_created'), undefined, 'entries about endpoints are not events')
  assert.is(of('webhook', 'webhook_disabled'), undefined)
  assert.is(of('agent', 'updated', null), undefined, 'global entries are not events')
  assert.is(of('task', 'created', null), undefined)
})

test('every event type but the ping comes from exactly one audit (entity, action)', () => {
  const produced = new Map<string, number>()
  for (const entityType of AUDIT_ENTITY_TYPES) for (const action of AUDIT_ACTIONS) {
    const type = eventTypeOf({ projectId: 1, entityType, action })
    if (type) produced.set(type, (produced.get(type) ?? 0) + 1)
  }
  assert.equal([...produced.keys()].sort(), EVENT_TYPES.filter((t) => t !== 'webhook.ping').sort())
  assert.ok([...produced.values()].every((n) => n === 1))
})

test('the events filter: exact types, <entity>.* and *; unknown entries are a 400 naming their position', () => {
  assert.equal(ok(validateEventFilter(['*'])), ['*'])
  assert.equal(ok(validateEventFilter(['task.*', 'member.added', 'task.*'])), ['task.*', 'member.added'])
  assert.equal(paths(fail(validateEventFilter(['task.*', 'task.create', 'tasks.*', '*.*', 'task', '']))), ['events.1', 'events.2', 'events.3', 'events.4', 'events.5'])
  assert.equal(paths(fail(validateEventFilter([]))), ['events'])
  assert.equal(paths(fail(validateEventFilter(Array.from({ length: 100 }, () => '*')))), ['events'])
  assert.ok(matchesEventFilter(['task.*'], 'task.status_changed'))
  assert.not.ok(matchesEventFilter(['task.*'], 'member.added'))
  assert.not.ok(matchesEventFilter(['api_token.*'], 'task.created'))
  assert.ok(matchesEventFilter(['member.added'], 'webhook.ping'), 'a ping reaches its endpoint whatever it filters')
})

const eventType = fc.constantFrom(...EVENT_TYPES)
const entry = fc.oneof(fc.constant('*'), eventType, eventType.map((t) => `${t.split('.')[0]}.*`))

test('property: a filter matches a type exactly when one of its entries does; adding entries never unsubscribes', () => {
  fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 6 }), entry, eventType, (filter, extra, type: EventType) => {
    const one = (e: string) => e === '*' || e === type || (e.endsWith('.*') && type.split('.')[0] === e.slice(0, -2))
    const expected = type === 'webhook.ping' || filter.some(one)
    return E.isRight(validateEventFilter(filter)) && matchesEventFilter(filter, type) === expected &&
      (!expected || matchesEventFilter([...filter, extra], type))
  }))
})

test('webhook URLs: http or https with a host, at most 2,048 characters', () => {
  for (const url of ['https://hooks.example.com/taskport', 'http://127.0.0.1:8080/x?y=1', 'https://user:pw@h.io/']) assert.equal(checkWebhookUrl(url), [], url)
  for (const url of ['ftp://h.io/', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url', '', 'https://', `https://h.io/${'a'.repeat(2040)}`]) {
    assert.equal(checkWebhookUrl(url).map((i) => i.path), ['url'], url)
  }
})

test("the retry schedule: the contract's default, parsed from text, N delays = at most N + 1 attempts", () => {
  assert.equal(right(parseRetrySchedule('5s,5m,30m,2h,5h,10h,10h')), DEFAULT_RETRY_SCHEDULE)
  assert.equal(right(parseRetrySchedule('100ms, 1s')), [100, 1000])
  assert.equal(right(parseRetrySchedule('')), [])
  for (const bad of ['5', '5d', '-1s', '0s', '1s,,2s', '8000h', Array.from({ length: 21 }, () => '1s').join(',')]) assert.ok(E.isLeft(parseRetrySchedule(bad)), bad)
  assert.equal(right(parseDuration('10s')), 10_000)
  assert.ok(E.isLeft(parseDuration('1s,2s')))
  assert.ok(E.isLeft(parseDuration('11m')))
  assert.equal(nextAttemptAt(DEFAULT_RETRY_SCHEDULE, 1, T0), new Date(T0.getTime() + 5000))
  assert.equal(nextAttemptAt(DEFAULT_RETRY_SCHEDULE, 7, T0), new Date(T0.getTime() + 36_000_000))
  assert.is(nextAttemptAt(DEFAULT_RETRY_SCHEDULE, 8, T0), undefined)
  assert.is(nextAttemptAt([], 1, T0), undefined)
})

test('property: following the schedule makes exactly N + 1 attempts, each after its delay', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 86_400_000 }), { maxLength: 20 }), (schedule) => {
    let at = T0
    let attempts = 1
    const gaps: number[] = []
    for (;;) {
      const next = nextAttemptAt(schedule, attempts, at)
      if (!next) break
      gaps.push(next.getTime() - at.getTime())
      at = next
      attempts += 1
    }
    return attempts === schedule.length + 1 && gaps.every((g, i) => g === schedule[i])
  }))
})

test('disabling: 410 at once; 5 days of failures without a success; never while succeeding', () => {
  assert.is(disableReason(410, null, T0), DISABLED_REASONS.gone)
  assert.is(disableReason(500, null, T0), undefined)
  assert.is(disableReason(500, new Date(T0.getTime() - DISABLE_AFTER_MS + 1), T0), undefined)
  assert.is(disableReason(null, new Date(T0.getTime() - DISABLE_AFTER_MS), T0), DISABLED_REASONS.failing)
  assert.ok(isSuccess(200) && isSuccess(204) && isSuccess(299))
  assert.not.ok(isSuccess(null) || isSuccess(199) || isSuccess(301) || isSuccess(410) || isSuccess(500))
})

test.run()
