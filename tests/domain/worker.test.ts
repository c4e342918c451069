import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  checkEmail, checkHandle, createAgent, createHuman, deriveHandle, handleBase, isAgent, normalizeEmail, refreshHuman, updateAgent,
} from '../../src/domain/index.js'
import { fail, ok, paths } from '../support/either.js'
import { T0, T1, agentMother, humanMother } from '../support/domain-mothers.js'

test('handle ^@[a-z0-9][a-z0-9_-]{1,38}$', () => {
  for (const good of ['@claude-code', '@ab', '@a_b', `@${'a'.repeat(39)}`]) assert.equal(checkHandle(good), [], good)
  for (const bad of ['claude', '@a', '@-ab', '@Claude', `@${'a'.repeat(40)}`, '@a b']) assert.is(checkHandle(bad).length, 1, bad)
})

test('handle from the email prefix, made unique: @sarah, @sarah2', () => {
  assert.is(deriveHandle('sarah@example.com', new Set()), '@sarah')
  assert.is(deriveHandle('sarah@other.org', new Set(['@sarah'])), '@sarah2')
  assert.is(deriveHandle('sarah@other.org', new Set(['@sarah', '@sarah2'])), '@sarah3')
  assert.is(deriveHandle('Sarah.Connor+x@example.com', new Set()), '@sarahconnorx')
})

test('odd prefixes still give a valid handle', () => {
  for (const source of ['a@x.io', '@x.io', '__@x.io', 'ÅÄÖ@x.io', 'sso|1234', `${'z'.repeat(80)}@x.io`]) {
    const handle = deriveHandle(source, new Set())
    assert.equal(checkHandle(handle), [], `${source} -> ${handle}`)
  }
  assert.is(handleBase('a@x.io'), '@usera')
  const long = `${'z'.repeat(80)}@x.io`
  assert.equal(checkHandle(deriveHandle(long, new Set([handleBase(long)]))), [])
})

test('emails', () => {
  assert.equal(checkEmail('email', 'a@b.c'), [])
  assert.is(checkEmail('email', 'not-an-email').length, 1)
  assert.is(normalizeEmail(' Sarah@Example.COM '), 'sarah@example.com')
})

test('a human from SSO claims', () => {
  const human = ok(createHuman({ userId: 'sso|1', email: 'Sarah@Example.com', name: ' Sarah ' }, '@sarah', T0, true))
  assert.is(human.type, 'human')
  assert.is(human.email, 'sarah@example.com')
  assert.is(human.name, 'Sarah')
  assert.equal(human.firstSeenAt, T0)
  assert.is(ok(createHuman({ userId: 'sso|2' }, '@sso2', T0, false)).firstSeenAt, null)
  assert.is(ok(createHuman({ userId: 'sso|2' }, '@sso2', T0, false)).name, 'sso|2')
  fail(createHuman({ userId: 'sso|3', email: 'nope' }, '@x1', T0, true), 'ValidationFailed')
  fail(createHuman({ userId: '' }, '@x1', T0, true), 'ValidationFailed')
})

test('refreshHuman takes new claims and the first-seen time; unchanged returns the same object', () => {
  const human = humanMother({ firstSeenAt: null })
  const seen = refreshHuman(human, { userId: 'sso|sarah', email: 'new@example.com' }, T1)
  assert.is(seen.email, 'new@example.com')
  assert.equal(seen.firstSeenAt, T1)
  assert.is(refreshHuman(seen, { userId: 'sso|sarah' }, T1), seen)
})

test('an agent: handle, type, capabilities; every bad field reported', () => {
  const agent = ok(createAgent({ handle: '@claude-code', agentType: 'claude', capabilities: ['code', 'code', 'review'] }, 7, T0))
  assert.ok(isAgent({ ...agent, id: 1 }))
  assert.is(agent.name, '@claude-code')
  assert.equal(agent.capabilities, ['code', 'review'])
  assert.is(agent.createdById, 7)
  const error = fail(createAgent({ handle: 'claude', agentType: '', capabilities: [''] }, 7, T0), 'ValidationFailed')
  assert.equal([...paths(error)].sort(), ['agent_type', 'capabilities.0', 'handle'])
  fail(createAgent({ handle: '@ok-bot', agentType: 'x', capabilities: Array.from({ length: 51 }, (_, i) => `c${i}`) }, 7, T0), 'ValidationFailed')
})

test('updateAgent changes name, type and capabilities; no change is the same object', () => {
  const agent = agentMother()
  const next = ok(updateAgent(agent, { name: 'Claude', agentType: 'llm', capabilities: ['a'] }, T1))
  assert.is(next.name, 'Claude')
  assert.is(next.agentType, 'llm')
  assert.equal(next.capabilities, ['a'])
  assert.equal(next.updatedAt, T1)
  assert.is(ok(updateAgent(agent, { capabilities: ['code'] }, T1)), agent)
  fail(updateAgent(agent, { name: '' }, T1), 'ValidationFailed')
  fail(updateAgent(agent, { agentType: '' }, T1), 'ValidationFailed')
})

test.run()
