// The transactional outbox: every audit entry of a project is one event, written with its body in the change's
// transaction, for the endpoints whose filter takes it; nothing for a rolled-back change.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createTaskport } from '../../../src/application/taskport.js'
import { taskJson } from '../../../src/application/wire/resources.js'
import { right } from '../../support/app-fixture.js'
import { bodies, deliveries, events, setup, tables } from './webhook-fixture.js'

test('a task change is one event, with its audit entry as data and the task in its REST shape as object', async () => {
  const { f, owner, pid, subscribe, notified } = await setup()
  const hook = await subscribe()
  const before = notified.length
  const task = right(await f.tp.tasks.create(owner, pid, { title: 'Ship it', tags: ['a'] }))
  assert.is(notified.length, before + 1, 'the notifier hears of the committed event')
  const [body] = bodies(f)
  const [entry] = tables(f).audit.filter((e) => e.entityType === 'task')
  assert.match(body.id, /^evt_[0-9a-f]{32}$/)
  assert.equal(Object.keys(body), ['id', 'type', 'created_at', 'project_id', 'sequence', 'data'])
  assert.equal({ type: body.type, project_id: body.project_id, sequence: body.sequence, created_at: body.created_at }, {
    type: 'task.created', project_id: pid, sequence: entry?.id, created_at: entry?.createdAt.toISOString(),
  })
  assert.equal(body.data, {
    entity_type: 'task', entity_id: String(task.task.id), action: 'created', actor_id: owner.worker.id, actor_type: 'human',
    details: entry?.details, object: taskJson(task),
  })
  const [delivery] = deliveries(f)
  assert.equal({ endpointId: delivery?.endpointId, eventId: delivery?.eventId, status: delivery?.status, attempts: delivery?.attempts }, {
    endpointId: hook.endpoint.id, eventId: body.id, status: 'pending', attempts: 0,
  })
  assert.is(events(f)[0]?.sequence, entry?.id)
})

test('filters: exact, <entity>.* and *; each endpoint one delivery; inactive endpoints and other projects get none', async () => {
  const { f, owner, admin, pid, subscribe } = await setup()
  const all = await subscribe()
  const tasks = await subscribe(['task.*'])
  const members = await subscribe(['member.*'])
  const statuses = await subscribe(['task.status_changed'])
  right(await f.tp.webhooks.update(admin, pid, right(await f.tp.webhooks.create(admin, pid, { url: 'https://hooks.test/off' })).endpoint.id, { isActive: false }))
  const other = await f.project(owner, 'elsewhere')
  right(await f.tp.webhooks.create(owner, other, { url: 'https://hooks.test/other' }))
  const task = right(await f.tp.tasks.create(owner, pid, { title: 'T' }))
  right(await f.tp.tasks.changeStatus(owner, task.task.id, { status: 'in_progress' }))
  const byEvent = (type: string) => deliveries(f).filter((d) => d.eventType === type).map((d) => d.endpointId).sort()
  assert.equal(byEvent('task.created'), [all.endpoint.id, tasks.endpoint.id].sort())
  assert.equal(byEvent('task.status_changed'), [all.endpoint.id, tasks.endpoint.id, statuses.endpoint.id].sort())
  assert.is(deliveries(f).filter((d) => d.endpointId === members.endpoint.id).length, 0)
  assert.equal(events(f).map((e) => e.type), ['task.created', 'task.status_changed'], 'one event per entry, however many endpoints')
})

test('entries about endpoints, a project without endpoints, and global entries are no events', async () => {
  const { f, owner, admin, pid, subscribe } = await setup()
  right(await f.tp.tasks.create(owner, pid, { title: 'before any endpoint' }))
  assert.is(events(f).length, 0)
  const hook = await subscribe()
  right(await f.tp.webhooks.update(admin, pid, hook.endpoint.id, { description: 'changed' }))
  right(await f.tp.agents.register(owner, { handle: '@bot', agentType: 'claude' }))
  assert.is(events(f).length, 0, 'webhook_created, webhook_updated and agent entries are not events')
  assert.ok(tables(f).audit.some((e) => e.entityType === 'webhook' && e.action === 'webhook_updated'))
})

test('every event type the use cases write, with objects; null after a deletion', async () => {
  const { f, owner, admin, pid, subscribe } = await setup()
  await subscribe()
  const sam = await f.human('sam')
  right(await f.tp.members.add(owner, pid, { userId: sam.worker.userId ?? '', role: 'member' }))
  right(await f.tp.members.changeRole(owner, pid, sam.worker.id, 'admin'))
  right(await f.tp.projects.update(owner, pid, { name: 'Renamed' }))
  const task = right(await f.tp.tasks.create(owner, pid, { title: 'T' }))
  right(await f.tp.tasks.assign(owner, task.task.id, sam.worker.id))
  right(await f.tp.tasks.changeStatus(owner, task.task.id, { status: 'in_progress' }))
  right(await f.tp.tasks.reportProgress(owner, task.task.id, { percent: 40 }))
  right(await f.tp.tasks.changeStatus(owner, task.task.id, { status: 'review' }))
  right(await f.tp.tasks.approve(admin, task.task.id))
  right(await f.tp.tasks.update(owner, task.task.id, { title: 'T2' }))
  right(await f.tp.tasks.assign(owner, task.task.id, null))
  const token = right(await f.tp.apiTokens.create(owner, pid, { name: 'ci' }))
  right(await f.tp.apiTokens.revoke(owner, pid, token.token.id))
  right(await f.tp.members.remove(owner, pid, sam.worker.id))
  right(await f.tp.tasks.delete(owner, task.task.id, false))
  const seen = bodies(f)
  assert.equal(seen.map((b) => b.type), [
    'member.added', 'member.role_changed', 'project.updated', 'task.created', 'task.assigned', 'task.status_changed',
    'task.progress_updated', 'task.status_changed', 'task.approved', 'task.updated', 'task.unassigned', 'api_token.created',
    'api_token.revoked', 'member.removed', 'task.deleted',
  ])
  const of = (type: string) => seen.find((b) => b.type === type)?.data.object
  assert.is(of('member.role_changed').role, 'admin')
  assert.is(of('project.updated').name, 'Renamed')
  assert.is(of('task.approved').status, 'completed')
  assert.equal(Object.keys(of('api_token.revoked')).sort(), ['created_at', 'id', 'last_used_at', 'name', 'revoked_at', 'status_map'])
  assert.type(of('api_token.revoked').revoked_at, 'string')
  assert.is(of('member.removed'), null)
  assert.is(of('task.deleted'), null)
  assert.ok(!JSON.stringify(seen).includes(token.raw), 'the raw token is in no event')
})

test('a task-sync push that changes fields and status: two events, the status one after, both with the final task', async () => {
  const { f, owner, pid, subscribe } = await setup()
  await subscribe(['task.*'])
  const { raw } = right(await f.tp.apiTokens.create(owner, pid, { name: 'jira' }))
  const created = right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'J-1', name: 'One' } }))
  right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'J-1', name: 'Two', status: 'done' } }))
  const seen = bodies(f)
  assert.equal(seen.map((b) => [b.type, b.data.actor_type]), [['task.created', 'api_token'], ['task.synced', 'api_token'], ['task.status_synced', 'api_token']])
  assert.ok(seen[1].sequence < seen[2].sequence)
  assert.equal([seen[1].data.object.title, seen[1].data.object.status, seen[2].data.object.status], ['Two', 'completed', 'completed'])
  assert.is(seen[0].data.object.id, created.taskId)
})

test('a rolled-back use case writes no event: a failure after the audit write, or in the event write itself', async () => {
  const { f, owner, pid, subscribe, notified } = await setup()
  await subscribe()
  const before = { tasks: tables(f).tasks.size, audit: tables(f).audit.length, notified: notified.length }
  f.faults.failAfterAuditWrites()
  await f.tp.tasks.create(owner, pid, { title: 'never' }).then(() => assert.unreachable('the failure must surface'), (error: Error) => assert.match(error.message, 'after the audit write'))
  f.faults.failEventWrites()
  await f.tp.tasks.create(owner, pid, { title: 'never either' }).then(() => assert.unreachable('the failure must surface'), (error: Error) => assert.match(error.message, 'event write'))
  f.faults.heal()
  assert.equal({ tasks: tables(f).tasks.size, audit: tables(f).audit.length, notified: notified.length }, before)
  assert.is(events(f).length, 0)
  assert.is(deliveries(f).length, 0)
  right(await f.tp.tasks.create(owner, pid, { title: 'after healing' }))
  assert.is(events(f).length, 1)
})

test('a use case that refuses (a Left) rolls back and writes no event', async () => {
  const { f, member, pid, subscribe } = await setup()
  await subscribe()
  const tp = createTaskport({ ...f.adapters, uow: f.faults })
  const refused = await tp.tasks.create(member, pid, { title: '' })
  assert.ok(refused._tag === 'Left')
  assert.is(events(f).length, 0)
})

test.run()
