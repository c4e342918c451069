import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  checkEmail, checkHandle, createAgent, createHuman, deriveHandle, EMAIL_PATTERN, HANDLE_PATTERN, handleBase, isAgent, normalizeEmail,
  refreshHuman, updateAgent,
} from '../../src/domain/worker.js'
import { fail, ok, paths } from '../support/either.js'
import { T0, T1, aWorker, anAgent } from '../support/builders.js'

test('handle ^@[a-z0-9][a-z0-9_-]{1,38}$', () => {
  for (const good of ['@claude-code', '@ab', '@a_b', '@1x', '@a-', `@${'a'.repeat(39)}`]) assert.equal(checkHandle(good), [], good)
  for (const bad of ['', 'claude', '@', '@a', '@-ab', '@_ab', '@Claude', `@${'a'.repeat(40)}`, '@a b', '@a.b', '@@ab', 'ab@']) {
    assert.equal(checkHandle(bad), [{ path: 'handle', message: 'must match ^@[a-z0-9][a-z0-9_-]{1,38}$' }], bad)
  }
})

test('handle from the email prefix, made unique: @sarah, @sarah2, @sarah3', () => {
  assert.is(deriveHandle('sarah@example.com', new Set()), '@sarah')
  assert.is(deriveHandle('sarah@other.org', new Set(['@sarah'])), '@sarah2')
  assert.is(deriveHandle('sarah@other.org', new Set(['@sarah', '@sarah2'])), '@sarah3')
  assert.is(deriveHandle('sarah@other.org', new Set(['@sarah2'])), '@sarah')
  assert.is(deriveHandle('Sarah.Connor+x@example.com', new Set()), '@sarahconnorx')
  assert.is(deriveHandle('sarah_k-1@example.com', new Set()), '@sarah_k-1')
})

test('short and odd prefixes still give a valid handle', () => {
  assert.is(handleBase('a@x.io'), '@usera')
  assert.is(handleBase('@x.io'), '@user')
  assert.is(handleBase('__@x.io'), '@user')
  assert.is(handleBase('_-bob@x.io'), '@bob')
  assert.is(handleBase('ÅÄÖ@x.io'), '@user')
  assert.is(handleBase('sso|1234'), '@sso1234')
  assert.is(handleBase('ab@x.io'), '@ab')
  const long = `${'z'.repeat(80)}@x.io`
  assert.is(handleBase(long), `@${'z'.repeat(38)}`)
  assert.is(deriveHandle(long, new Set([handleBase(long)])), `@${'z'.repeat(37)}2`)
})

test('property: any email or subject gives a valid handle that is not taken', () => {
  fc.assert(fc.property(
    fc.oneof(fc.string({ maxLength: 60 }), fc.emailAddress(), fc.string({ unit: 'grapheme', maxLength: 20 })),
    fc.nat({ max: 12 }),
    (source, others) => {
      const taken = new Set<string>()
      for (let i = 0; i <= others; i += 1) {
        const handle = deriveHandle(source, taken)
        assert.ok(HANDLE_PATTERN.test(handle), `${JSON.stringify(source)} -> ${handle}`)
        assert.not.ok(taken.has(handle))
        taken.add(handle)
      }
    },
  ), { numRuns: 500 })
})

test('emails: one @, no spaces, at most 254 characters; normalized trimmed and lower-cased', () => {
  for (const good of ['a@b.c', 'sarah@example.com', 'x+y@sub.example.org']) assert.equal(checkEmail('email', good), [], good)
  for (const bad of ['', 'not-an-email', 'a@', '@b', 'a b@c.d', 'a@b@c', `${'a'.repeat(250)}@b.co`]) {
    assert.equal(checkEmail('email', bad), [{ path: 'email', message: 'must be an email address' }], bad)
  }
  assert.equal(checkEmail('assignee_email', 'x'), [{ path: 'assignee_email', message: 'must be an email address' }])
  assert.ok(EMAIL_PATTERN.test('a@b'))
  assert.is(normalizeEmail(' Sarah@Example.COM '), 'sarah@example.com')
})

test('a human from SSO claims: email normalized, name trimmed', () => {
  assert.equal(ok(createHuman({ userId: 'sso|1', email: ' Sarah@Example.com ', name: ' Sarah ' }, '@sarah', T0, true)), {
    type: 'human', handle: '@sarah', name: 'Sarah', email: 'sarah@example.com', userId: 'sso|1', agentType: null, capabilities: [],
    createdById: null, firstSeenAt: T0, createdAt: T0, updatedAt: T0,
  })
})

test('a human named by their claims: name, else email, else SSO subject', () => {
  assert.is(ok(createHuman({ userId: 'sso|2', email: 'bob@x.io' }, '@bob', T0, true)).name, 'bob@x.io')
  assert.is(ok(createHuman({ userId: 'sso|2', email: 'bob@x.io', name: '  ' }, '@bob', T0, true)).name, 'bob@x.io')
  assert.is(ok(createHuman({ userId: 'sso|2' }, '@sso2', T0, true)).name, 'sso|2')
  assert.is(ok(createHuman({ userId: 'sso|2', email: null, name: null }, '@sso2', T0, true)).email, null)
})

test('a human added by others is not seen yet', () => {
  assert.is(ok(createHuman({ userId: 'sso|2' }, '@sso2', T0, false)).firstSeenAt, null)
})

test('a human: user id 1..255, a valid email', () => {
  assert.equal(paths(fail(createHuman({ userId: 'sso|3', email: 'nope' }, '@x1', T0, true), 'ValidationFailed')), ['email'])
  assert.equal(paths(fail(createHuman({ userId: '' }, '@x1', T0, true), 'ValidationFailed')), ['user_id'])
  assert.equal(paths(fail(createHuman({ userId: 'u'.repeat(256) }, '@x1', T0, true), 'ValidationFailed')), ['user_id'])
  ok(createHuman({ userId: 'u'.repeat(255) }, '@x1', T0, true))
})

test('refreshHuman: new email and name from the SSO, first-seen time set once', () => {
  const human = aWorker({ firstSeenAt: null })
  const seen = refreshHuman(human, { userId: 'sso|sarah', email: ' New@Example.com ', name: ' Sarah C ' }, T1)
  assert.equal(seen, { ...human, email: 'new@example.com', name: 'Sarah C', firstSeenAt: T1, updatedAt: T1 })
  const again = refreshHuman(aWorker({ firstSeenAt: T0 }), { userId: 'sso|sarah', name: 'Sally' }, T1)
  assert.equal(again.firstSeenAt, T0)
  assert.is(again.name, 'Sally')
  assert.is(again.email, 'sarah@example.com')
})

test('refreshHuman: claims that change nothing return the very same worker', () => {
  const human = aWorker()
  assert.is(refreshHuman(human, { userId: 'sso|sarah' }, T1), human)
  assert.is(refreshHuman(human, { userId: 'sso|sarah', email: 'SARAH@example.com', name: 'Sarah ' }, T1), human)
  assert.is(refreshHuman(human, { userId: 'sso|sarah', email: null, name: '  ' }, T1), human)
})

test('an agent: handle, type, capabilities without duplicates, registered by its creator', () => {
  const agent = ok(createAgent({ handle: '@claude-code', name: ' Claude ', agentType: 'claude', capabilities: ['code', 'code', 'review'] }, 7, T0))
  assert.equal(agent, {
    type: 'agent', handle: '@claude-code', name: 'Claude', email: null, userId: null, agentType: 'claude',
    capabilities: ['code', 'review'], createdById: 7, firstSeenAt: null, createdAt: T0, updatedAt: T0,
  })
  assert.is(ok(createAgent({ handle: '@bot', agentType: 'x' }, 7, T0)).name, '@bot')
  assert.equal(ok(createAgent({ handle: '@bot', agentType: 'x' }, 7, T0)).capabilities, [])
  assert.ok(isAgent(anAgent()))
  assert.not.ok(isAgent(aWorker()))
})

test('an agent: every bad field reported, each at its position in the request', () => {
  const error = fail(createAgent({ handle: 'claude', name: '  ', agentType: '', capabilities: ['ok', 'ok', ''] }, 7, T0), 'ValidationFailed')
  assert.equal([...paths(error)].sort(), ['agent_type', 'capabilities.2', 'handle', 'name'])
  assert.equal(paths(fail(createAgent({ handle: '@bot', name: 'n'.repeat(201), agentType: 'x' }, 7, T0))), ['name'])
  assert.equal(paths(fail(createAgent({ handle: '@bot', agentType: 't'.repeat(51) }, 7, T0))), ['agent_type'])
  assert.equal(paths(fail(createAgent({ handle: '@bot', agentType: 'x', capabilities: ['c'.repeat(101)] }, 7, T0))), ['capabilities.0'])
  ok(createAgent({ handle: '@bot', name: 'n'.repeat(200), agentType: 't'.repeat(50), capabilities: ['c'.repeat(100)] }, 7, T0))
})

test('an agent: at most 50 capabilities, counted without duplicates', () => {
  const fifty = Array.from({ length: 50 }, (_, i) => `c${i}`)
  ok(createAgent({ handle: '@bot', agentType: 'x', capabilities: fifty }, 7, T0))
  ok(createAgent({ handle: '@bot', agentType: 'x', capabilities: [...fifty, 'c0'] }, 7, T0))
  const error = fail(createAgent({ handle: '@bot', agentType: 'x', capabilities: [...fifty, 'c50'] }, 7, T0), 'ValidationFailed')
  assert.equal(error, { _tag: 'ValidationFailed', issues: [{ path: 'capabilities', message: 'must have at most 50 entries' }] })
})

test('updateAgent: name, type and capabilities change, updated_at moves', () => {
  const agent = anAgent()
  assert.equal(ok(updateAgent(agent, { name: 'Claude', agentType: 'llm', capabilities: ['a', 'b', 'a'] }, T1)), {
    ...agent, name: 'Claude', agentType: 'llm', capabilities: ['a', 'b'], updatedAt: T1,
  })
  assert.equal(ok(updateAgent(agent, { capabilities: [] }, T1)).capabilities, [])
})

test('updateAgent: a patch that changes nothing returns the very same agent', () => {
  const agent = anAgent({ capabilities: ['code', 'review'] })
  assert.is(ok(updateAgent(agent, {}, T1)), agent)
  assert.is(ok(updateAgent(agent, { name: agent.name, capabilities: ['code', 'review', 'code'] }, T1)), agent)
  assert.is.not(ok(updateAgent(agent, { capabilities: ['review', 'code'] }, T1)), agent)
})

test('updateAgent trims the name, as createAgent does', () => {
  const agent = anAgent()
  assert.is(ok(createAgent({ handle: '@bot', name: '  Claude\t', agentType: 'llm' }, 7, T0)).name, 'Claude')
  assert.is(ok(updateAgent(agent, { name: '  Claude Code \n' }, T1)).name, 'Claude Code')
  const named = ok(updateAgent(agent, { name: 'Claude' }, T1))
  assert.is(ok(updateAgent(named, { name: ' Claude ' }, T1)), named, 'padding alone changes nothing')
  assert.equal(paths(fail(updateAgent(agent, { name: '   ' }, T1), 'ValidationFailed')), ['name'])
})

test('updateAgent validates what it is given', () => {
  const agent = anAgent()
  assert.equal(paths(fail(updateAgent(agent, { name: '' }, T1), 'ValidationFailed')), ['name'])
  assert.equal(paths(fail(updateAgent(agent, { agentType: ' ' }, T1), 'ValidationFailed')), ['agent_type'])
  assert.equal(paths(fail(updateAgent(agent, { capabilities: ['a', 'a', ''] }, T1), 'ValidationFailed')), ['capabilities.2'])
  const fiftyOne = Array.from({ length: 51 }, (_, i) => `c${i}`)
  assert.equal(paths(fail(updateAgent(agent, { capabilities: fiftyOne }, T1), 'ValidationFailed')), ['capabilities'])
})

test.run()
