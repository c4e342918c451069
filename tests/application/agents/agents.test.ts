import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fixture, left, right } from '../../support/app-fixture.js'

test('humans register agents; the handle is validated and unique across humans and agents', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const agent = right(await f.tp.agents.register(alice, { handle: '@claude-code', agentType: 'claude', capabilities: ['code'] }))
  assert.is(agent.type, 'agent')
  assert.is(agent.createdById, alice.worker.id)
  left(await f.tp.agents.register(alice, { handle: '@claude-code', agentType: 'x' }), 'Conflict', 'Handle @claude-code is already taken')
  left(await f.tp.agents.register(alice, { handle: '@alice', agentType: 'x' }), 'Conflict')
  left(await f.tp.agents.register(alice, { handle: 'no-at', agentType: 'x' }), 'ValidationFailed')
  const bot = right(await f.tp.identify({ kind: 'agent', handle: '@claude-code' }))
  left(await f.tp.agents.register(bot, { handle: '@child', agentType: 'x' }), 'Forbidden', 'Only humans can register agents')
  const created = f.adapters.db.snapshot().audit.filter((e) => e.entityType === 'agent' && e.action === 'created')
  assert.is(created.length, 1)
  assert.is(created[0]?.projectId, null)
})

test('anyone authenticated lists and reads agents; unknown ids are not found', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const bob = await f.human('bob')
  for (const h of ['@a1', '@a2', '@a3']) right(await f.tp.agents.register(alice, { handle: h, agentType: 'x' }))
  const page = right(await f.tp.agents.list(bob, { limit: 2 }))
  assert.equal(page.items.map((a) => a.handle), ['@a1', '@a2'])
  const rest = right(await f.tp.agents.list(bob, { limit: 2, cursor: page.nextCursor ?? '' }))
  assert.equal(rest.items.map((a) => a.handle), ['@a3'])
  assert.is(rest.nextCursor, null)
  assert.is(right(await f.tp.agents.get(bob, page.items[0]?.id ?? 0)).handle, '@a1')
  left(await f.tp.agents.get(bob, 4242), 'NotFound', 'Agent with ID 4242 not found')
  left(await f.tp.agents.get(bob, alice.worker.id), 'NotFound')
  left(await f.tp.agents.list(bob, { limit: 500 }), 'ValidationFailed')
})

test('update: by its creator or a platform admin; audited with only the changed fields', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const bob = await f.human('bob')
  const root = await f.human('root', { platformAdmin: true })
  const agent = right(await f.tp.agents.register(alice, { handle: '@bot', agentType: 'claude' }))
  left(await f.tp.agents.update(bob, agent.id, { name: 'x' }), 'Forbidden')
  assert.is(right(await f.tp.agents.update(alice, agent.id, { name: 'Bot' })).name, 'Bot')
  assert.equal(right(await f.tp.agents.update(root, agent.id, { capabilities: ['review'] })).capabilities, ['review'])
  right(await f.tp.agents.update(root, agent.id, { capabilities: ['review'] }))
  left(await f.tp.agents.update(alice, agent.id, { agentType: '' }), 'ValidationFailed')
  const updates = f.adapters.db.snapshot().audit.filter((e) => e.entityType === 'agent' && e.action === 'updated')
  assert.equal(updates.map((e) => e.details), [
    { before: { name: '@bot' }, after: { name: 'Bot' } },
    { before: { capabilities: [] }, after: { capabilities: ['review'] } },
  ])
})

test('delete: unassigns its tasks in every project, each audited, and ends its memberships', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const bob = await f.human('bob')
  const bot = await f.agent(alice, '@bot')
  const p1 = await f.project(alice, 'one', [[bot, 'member']])
  const p2 = await f.project(alice, 'two', [[bot, 'member']])
  const t1 = right(await f.tp.tasks.create(alice, p1, { title: 'a', assigneeId: bot.worker.id }))
  const t2 = right(await f.tp.tasks.create(alice, p2, { title: 'b', assigneeId: bot.worker.id }))
  left(await f.tp.agents.delete(bob, bot.worker.id), 'Forbidden')
  right(await f.tp.agents.delete(alice, bot.worker.id))
  for (const t of [t1, t2]) {
    const task = right(await f.tp.tasks.get(alice, t.task.id))
    assert.is(task.task.assigneeId, null)
    assert.is(task.recentAudit[0]?.action, 'unassigned')
    assert.is(task.recentAudit[0]?.details.reason, 'agent deleted')
  }
  assert.equal(right(await f.tp.members.list(alice, p1, {})).items.map((m) => m.worker.handle), ['@alice'])
  left(await f.tp.agents.get(alice, bot.worker.id), 'NotFound')
  left(await f.tp.identify({ kind: 'agent', handle: '@bot' }), 'Unauthorized')
})

test('an agent that created a task can be deleted; the task keeps no dangling creator', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const bot = await f.agent(alice, '@bot')
  const pid = await f.project(alice, 'one', [[bot, 'member']])
  const t = right(await f.tp.tasks.create(bot, pid, { title: 'by bot' }))
  assert.is(t.task.createdById, bot.worker.id)
  right(await f.tp.agents.delete(alice, bot.worker.id))
  assert.is(right(await f.tp.tasks.get(alice, t.task.id)).task.createdById, null)
})

test('register and delete are atomic with their audit entry', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const bot = await f.agent(alice, '@bot')
  f.faults.failAuditWrites()
  await f.tp.agents.register(alice, { handle: '@never', agentType: 'x' }).catch(() => undefined)
  await f.tp.agents.delete(alice, bot.worker.id).catch(() => undefined)
  await f.tp.agents.update(alice, bot.worker.id, { name: 'changed' }).catch(() => undefined)
  f.faults.heal()
  assert.equal(right(await f.tp.agents.list(alice, {})).items.map((a) => [a.handle, a.name]), [['@bot', '@bot']])
})

test.run()
