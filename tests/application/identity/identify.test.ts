import { test } from 'uvu'
import { createTaskport } from '../../../src/application/taskport.js'
import { CALLER_CACHE_TTL_MS } from '../../../src/application/identity/identify.js'
import * as assert from 'uvu/assert'
import { fixture, left, right } from '../../support/app-fixture.js'

test('first login creates the worker, its handle and a Default project it owns', async () => {
  const f = fixture()
  const sarah = right(await f.tp.identify({ kind: 'user', userId: 'sso|1', email: 'Sarah@Example.com', name: 'Sarah' }))
  assert.is(sarah.worker.handle, '@sarah')
  assert.is(sarah.worker.email, 'sarah@example.com')
  const projects = right(await f.tp.projects.list(sarah, {})).items
  assert.is(projects.length, 1)
  assert.is(projects[0]?.project.name, 'Default')
  assert.is(projects[0]?.project.slug, 'default-sarah')
  assert.is(projects[0]?.ownerUserId, 'sso|1')
  const members = right(await f.tp.members.list(sarah, projects[0]?.project.id ?? 0, {})).items
  assert.equal(members.map((m) => [m.worker.handle, m.role]), [['@sarah', 'owner']])
})

test('a second user with the same email prefix gets @sarah2 and their own Default project', async () => {
  const f = fixture()
  right(await f.tp.identify({ kind: 'user', userId: 'sso|1', email: 'sarah@a.com' }))
  const second = right(await f.tp.identify({ kind: 'user', userId: 'sso|2', email: 'sarah@b.com' }))
  assert.is(second.worker.handle, '@sarah2')
  const projects = right(await f.tp.projects.list(second, {})).items
  assert.equal(projects.map((p) => p.project.slug), ['default-sarah2'])
})

test('the next logins reuse the worker, create nothing, and take new claims', async () => {
  const f = fixture()
  const first = right(await f.tp.identify({ kind: 'user', userId: 'sso|1', email: 'sarah@a.com', name: 'Sarah' }))
  const again = right(await f.tp.identify({ kind: 'user', userId: 'sso|1', email: 'sarah@new.com', name: 'Sarah K' }))
  assert.is(again.worker.id, first.worker.id)
  assert.is(again.worker.email, 'sarah@new.com')
  assert.is(again.worker.name, 'Sarah K')
  assert.is(f.adapters.db.snapshot().projects.size, 1)
  assert.is(f.adapters.db.snapshot().workers.size, 1)
})

test('someone added to a project before ever logging in gets their Default project on first login', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const pid = await f.project(alice, 'web-app')
  right(await f.tp.members.add(alice, pid, { userId: 'sso|bob', email: 'bob@example.com' }))
  const bob = right(await f.tp.identify({ kind: 'user', userId: 'sso|bob', email: 'bob@example.com' }))
  const slugs = right(await f.tp.projects.list(bob, {})).items.map((p) => p.project.slug).sort()
  assert.equal(slugs, ['default-bob', 'web-app'])
})

test('the platform admin flag comes from the principal', async () => {
  const f = fixture()
  const admin = right(await f.tp.identify({ kind: 'user', userId: 'sso|root', email: 'root@x.io', platformAdmin: true }))
  assert.ok(admin.platformAdmin)
  const plain = right(await f.tp.identify({ kind: 'user', userId: 'sso|root', email: 'root@x.io' }))
  assert.not.ok(plain.platformAdmin)
})

test('an agent principal resolves only to a registered agent', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  left(await f.tp.identify({ kind: 'agent', handle: '@ghost' }), 'Unauthorized', 'Unknown agent @ghost')
  left(await f.tp.identify({ kind: 'agent', handle: '@alice' }), 'Unauthorized')
  right(await f.tp.agents.register(alice, { handle: '@claude-code', agentType: 'claude' }))
  const agent = right(await f.tp.identify({ kind: 'agent', handle: '@claude-code' }))
  assert.is(agent.worker.type, 'agent')
  assert.not.ok(agent.platformAdmin)
})

test('claims that cannot make a worker are refused as unauthorized', async () => {
  const f = fixture()
  left(await f.tp.identify({ kind: 'user', userId: 'sso|x', email: 'not-an-email' }), 'Unauthorized')
  assert.is(f.adapters.db.snapshot().workers.size, 0)
})

test('provisioning is atomic: if the audit write fails, no worker and no project remain', async () => {
  const f = fixture()
  f.faults.failAuditWrites()
  await f.tp.identify({ kind: 'user', userId: 'sso|1', email: 'sarah@a.com' }).then(
    () => assert.unreachable('should throw'),
    (error: Error) => assert.match(error.message, 'injected audit failure'),
  )
  const db = f.adapters.db.snapshot()
  assert.is(db.workers.size, 0)
  assert.is(db.projects.size, 0)
  assert.is(db.members.size, 0)
})

test.run()

/** A unit of work that counts how often identify reaches the stores. */
const counted = (f: ReturnType<typeof fixture>) => {
  const inner = f.adapters.uow
  const counter = { calls: 0 }
  const uow = { run: ((work) => { counter.calls += 1; return inner.run(work) }) as typeof inner.run }
  return { counter, tp: createTaskport({ ...f.adapters, uow }) }
}

test('a known human with unchanged claims is reused for 30 s without reaching the stores; changed claims are read at once', async () => {
  const f = fixture()
  const { counter, tp } = counted(f)
  const sarah = { kind: 'user', userId: 'sso|1', email: 'sarah@a.com', name: 'Sarah' } as const
  const first = right(await tp.identify(sarah))
  const calls = counter.calls
  assert.ok(calls >= 1)
  assert.is(right(await tp.identify(sarah)).worker.id, first.worker.id)
  assert.is(counter.calls, calls, 'second request: from the cache')
  const renamed = right(await tp.identify({ ...sarah, name: 'Sarah K' }))
  assert.is(renamed.worker.name, 'Sarah K')
  assert.ok(counter.calls > calls, 'new claims: read (and updated) at once')
  const afterRename = counter.calls
  right(await tp.identify({ ...sarah, name: 'Sarah K' }))
  assert.is(counter.calls, afterRename, 'the new claims are cached in turn')
  f.clock.advance(CALLER_CACHE_TTL_MS + 1)
  right(await tp.identify({ ...sarah, name: 'Sarah K' }))
  assert.is(counter.calls, afterRename + 1, 'after the TTL: one read again')
})

test('agents are never served from the cache: a deleted agent is refused on its next request', async () => {
  const f = fixture()
  const { counter, tp } = counted(f)
  const owner = right(await tp.identify({ kind: 'user', userId: 'sso|o', email: 'o@a.com' }))
  const agent = right(await tp.agents.register(owner, { handle: '@bot', agentType: 'claude' }))
  right(await tp.identify({ kind: 'agent', handle: '@bot' }))
  const before = counter.calls
  right(await tp.identify({ kind: 'agent', handle: '@bot' }))
  assert.is(counter.calls, before + 1)
  right(await tp.agents.delete(owner, agent.id))
  left(await tp.identify({ kind: 'agent', handle: '@bot' }), 'Unauthorized')
})
