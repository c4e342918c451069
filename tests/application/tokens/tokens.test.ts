import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fixture, left, right } from '../../support/app-fixture.js'

const setup = async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const adam = await f.human('adam')
  const mia = await f.human('mia')
  const vic = await f.human('vic')
  const pid = await f.project(alice, 'web-app', [[adam, 'admin'], [mia, 'member'], [vic, 'viewer']])
  return { f, alice, adam, mia, vic, pid }
}

test('create: admin+ only; 64 hex characters shown once; only the SHA-256 is stored', async () => {
  const { f, adam, mia, vic, pid } = await setup()
  left(await f.tp.apiTokens.create(mia, pid, { name: 'x' }), 'Forbidden', 'Only admins and owners can manage API tokens')
  left(await f.tp.apiTokens.create(vic, pid, { name: 'x' }), 'Forbidden')
  left(await f.tp.apiTokens.create(await f.human('eve'), pid, { name: 'x' }), 'NotFound')
  const issued = right(await f.tp.apiTokens.create(adam, pid, { name: 'jira', statusMap: { 'In Review': 'review' } }))
  assert.match(issued.raw, /^[0-9a-f]{64}$/)
  assert.equal(issued.token.statusMap, { 'in review': 'review' })
  const db = f.adapters.db.snapshot()
  const stored = db.tokens.get(issued.token.id)
  assert.is(stored?.tokenHash, createHash('sha256').update(issued.raw).digest('hex'))
  const everything = JSON.stringify({ tokens: [...db.tokens.values()], audit: db.audit })
  assert.not.ok(everything.includes(issued.raw), 'the raw token is stored somewhere')
  const entry = db.audit.find((e) => e.action === 'token_created')
  assert.equal(entry?.details, { after: { name: 'jira', status_map: { 'in review': 'review' } } })
  assert.not.ok(JSON.stringify(entry).includes(stored?.tokenHash ?? '#'))
})

test('two tokens never share a value', async () => {
  const { f, alice, pid } = await setup()
  const a = right(await f.tp.apiTokens.create(alice, pid, { name: 'a' }))
  const b = right(await f.tp.apiTokens.create(alice, pid, { name: 'b' }))
  assert.is.not(a.raw, b.raw)
  assert.is.not(a.token.id, b.token.id)
})

test('create: the status map values must be taskport statuses; the name is required', async () => {
  const { f, alice, pid } = await setup()
  left(await f.tp.apiTokens.create(alice, pid, { name: 'x', statusMap: { Done: 'finished' } }), 'ValidationFailed')
  left(await f.tp.apiTokens.create(alice, pid, { name: '' }), 'ValidationFailed')
  assert.is(f.adapters.db.snapshot().tokens.size, 0)
})

test('list: admin+, in creation order, paginated', async () => {
  const { f, alice, mia, pid } = await setup()
  for (const name of ['one', 'two', 'three']) {
    right(await f.tp.apiTokens.create(alice, pid, { name }))
    f.clock.advance()
  }
  left(await f.tp.apiTokens.list(mia, pid, {}), 'Forbidden')
  const first = right(await f.tp.apiTokens.list(alice, pid, { limit: 2 }))
  assert.equal(first.items.map((t) => t.name), ['one', 'two'])
  const rest = right(await f.tp.apiTokens.list(alice, pid, { limit: 2, cursor: first.nextCursor ?? '' }))
  assert.equal(rest.items.map((t) => t.name), ['three'])
  left(await f.tp.apiTokens.list(alice, pid, { cursor: Buffer.from('{"t":"x","id":"y"}').toString('base64url') }), 'ValidationFailed')
})

test('revoke: admin+, sets revoked_at once, other projects tokens are not found', async () => {
  const { f, alice, adam, mia, pid } = await setup()
  const other = await f.project(alice, 'other-app')
  const mine = right(await f.tp.apiTokens.create(alice, pid, { name: 'a' }))
  const theirs = right(await f.tp.apiTokens.create(alice, other, { name: 'b' }))
  left(await f.tp.apiTokens.revoke(mia, pid, mine.token.id), 'Forbidden')
  left(await f.tp.apiTokens.revoke(adam, pid, theirs.token.id), 'NotFound')
  left(await f.tp.apiTokens.revoke(adam, pid, 'no-such-id'), 'NotFound')
  f.clock.advance()
  right(await f.tp.apiTokens.revoke(adam, pid, mine.token.id))
  const revokedAt = f.adapters.db.snapshot().tokens.get(mine.token.id)?.revokedAt
  assert.equal(revokedAt, f.clock.now())
  f.clock.advance()
  right(await f.tp.apiTokens.revoke(adam, pid, mine.token.id))
  assert.equal(f.adapters.db.snapshot().tokens.get(mine.token.id)?.revokedAt, revokedAt)
  assert.is(f.adapters.db.snapshot().audit.filter((e) => e.action === 'token_revoked').length, 1)
})

test('create and revoke are atomic with their audit entry', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.apiTokens.create(alice, pid, { name: 'a' }))
  f.faults.failAuditWrites()
  await f.tp.apiTokens.create(alice, pid, { name: 'never' }).catch(() => undefined)
  await f.tp.apiTokens.revoke(alice, pid, t.token.id).catch(() => undefined)
  f.faults.heal()
  const tokens = [...f.adapters.db.snapshot().tokens.values()]
  assert.equal(tokens.map((x) => [x.name, x.revokedAt]), [['a', null]])
})

test.run()
