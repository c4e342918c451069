// Project API tokens (contract: "API tokens (project-scoped)"): admin+ only, the raw token shown once and
// stored only as its SHA-256, status maps validated, keyset-paginated lists, idempotent revocation, audited.
import { createHash } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Tables } from '../../../src/adapters/persistence/memory/index.js'
import { fixture, left, right } from '../../support/app-fixture.js'

const sha256 = (raw: string): string => createHash('sha256').update(raw, 'utf8').digest('hex')

/** Every committed row, as one string: to prove a secret is nowhere in the tables. */
const dump = (db: Tables): string =>
  JSON.stringify({
    projects: [...db.projects.values()],
    workers: [...db.workers.values()],
    members: [...db.members.values()],
    tasks: [...db.tasks.values()],
    links: [...db.links.values()],
    tokens: [...db.tokens.values()],
    audit: db.audit,
  })

const setup = async () => {
  const f = fixture()
  const alice = await f.human('alice') // owner
  const adam = await f.human('adam')
  const mia = await f.human('mia')
  const vic = await f.human('vic')
  const eve = await f.human('eve') // not a member
  const pid = await f.project(alice, 'web-app', [[adam, 'admin'], [mia, 'member'], [vic, 'viewer']])
  return { f, alice, adam, mia, vic, eve, pid }
}

const tokenAudit = (db: Tables) => db.audit.filter((e) => e.entityType === 'api_token')

test('create: members and viewers are forbidden, non-members and unknown projects are not found; nothing is written', async () => {
  const { f, mia, vic, eve, pid } = await setup()
  left(await f.tp.apiTokens.create(mia, pid, { name: 'x' }), 'Forbidden', 'Only admins and owners can manage API tokens')
  left(await f.tp.apiTokens.create(vic, pid, { name: 'x' }), 'Forbidden', 'Only admins and owners can manage API tokens')
  left(await f.tp.apiTokens.create(eve, pid, { name: 'x' }), 'NotFound', `Project with ID ${pid} not found`)
  left(await f.tp.apiTokens.create(eve, 987654, { name: 'x' }), 'NotFound', 'Project with ID 987654 not found')
  const db = f.adapters.db.snapshot()
  assert.is(db.tokens.size, 0)
  assert.equal(tokenAudit(db), [])
})

test('create: the owner, an admin and a platform admin may create tokens', async () => {
  const { f, alice, adam, pid } = await setup()
  const root = await f.human('root', { platformAdmin: true })
  for (const [caller, name] of [[alice, 'by-owner'], [adam, 'by-admin'], [root, 'by-platform-admin']] as const) {
    const issued = right(await f.tp.apiTokens.create(caller, pid, { name }))
    assert.is(issued.token.name, name)
    assert.is(issued.token.projectId, pid)
    assert.is(issued.token.createdById, caller.worker.id)
    assert.equal(issued.token.createdAt, f.clock.now())
    assert.is(issued.token.lastUsedAt, null)
    assert.is(issued.token.revokedAt, null)
  }
  assert.is(f.adapters.db.snapshot().tokens.size, 3)
})

test('create: the raw token is 64 hex characters; only its SHA-256 is stored, the raw value nowhere', async () => {
  const { f, adam, pid } = await setup()
  const issued = right(await f.tp.apiTokens.create(adam, pid, { name: 'jira', statusMap: { Resolved: 'completed' } }))
  assert.match(issued.raw, /^[0-9a-f]{64}$/)
  const db = f.adapters.db.snapshot()
  const stored = db.tokens.get(issued.token.id)
  assert.ok(stored, 'the token row is stored under its id')
  assert.is(stored.tokenHash, sha256(issued.raw))
  assert.is.not(stored.tokenHash, issued.raw)
  assert.is(issued.token.tokenHash, stored.tokenHash)
  const everything = dump(db)
  assert.not.ok(everything.includes(issued.raw), 'the raw token is stored somewhere')
  // Not even in upper case or split across a field: the raw value's halves do not appear either.
  assert.not.ok(everything.toLowerCase().includes(issued.raw.slice(0, 32)))
  assert.not.ok(everything.toLowerCase().includes(issued.raw.slice(32)))
})

test('create: each token gets its own random value and id', async () => {
  const { f, alice, pid } = await setup()
  const issued = []
  for (let i = 0; i < 10; i += 1) issued.push(right(await f.tp.apiTokens.create(alice, pid, { name: `t${i}` })))
  assert.is(new Set(issued.map((t) => t.raw)).size, 10)
  assert.is(new Set(issued.map((t) => t.token.id)).size, 10)
  assert.is(new Set(issued.map((t) => t.token.tokenHash)).size, 10)
})

test('create: status map keys are stored lower-cased; values must be taskport statuses', async () => {
  const { f, alice, pid } = await setup()
  const ok = right(await f.tp.apiTokens.create(alice, pid, { name: 'jira', statusMap: { 'In Review': 'review', DONE: 'completed', Blocked: 'blocked' } }))
  assert.equal(ok.token.statusMap, { 'in review': 'review', done: 'completed', blocked: 'blocked' })
  assert.equal(f.adapters.db.snapshot().tokens.get(ok.token.id)?.statusMap, ok.token.statusMap)

  const bad = left(await f.tp.apiTokens.create(alice, pid, { name: 'x', statusMap: { Done: 'finished', Todo: 'pending' } }), 'ValidationFailed')
  assert.equal(bad._tag === 'ValidationFailed' ? bad.issues.map((i) => i.path) : [], ['status_map.Done'])
  // A wire-casing mistake ('In_Progress' is not a status name; 'in_progress' is) is refused too.
  left(await f.tp.apiTokens.create(alice, pid, { name: 'x', statusMap: { started: 'In_Progress' } }), 'ValidationFailed')
  left(await f.tp.apiTokens.create(alice, pid, { name: 'x', statusMap: { '': 'pending' } }), 'ValidationFailed')
  // Two keys that differ only in case may not map to different statuses.
  left(await f.tp.apiTokens.create(alice, pid, { name: 'x', statusMap: { Done: 'completed', DONE: 'cancelled' } }), 'ValidationFailed')
  left(await f.tp.apiTokens.create(alice, pid, { name: '' }), 'ValidationFailed')
  left(await f.tp.apiTokens.create(alice, pid, { name: 'n'.repeat(101) }), 'ValidationFailed')
  const db = f.adapters.db.snapshot()
  assert.equal([...db.tokens.values()].map((t) => t.name), ['jira'])
  assert.is(tokenAudit(db).length, 1)
})

test('create: audited as token_created by the caller, with the name and map but no secret', async () => {
  const { f, adam, pid } = await setup()
  const issued = right(await f.tp.apiTokens.create(adam, pid, { name: 'jira', statusMap: { 'In Review': 'review' } }))
  const entries = tokenAudit(f.adapters.db.snapshot())
  assert.is(entries.length, 1)
  const entry = entries[0]
  assert.ok(entry)
  assert.is(entry.action, 'token_created')
  assert.is(entry.projectId, pid)
  assert.is(entry.entityId, issued.token.id)
  assert.equal(entry.actor, { type: 'human', id: adam.worker.id })
  assert.equal(entry.createdAt, f.clock.now())
  assert.equal(entry.details, { after: { name: 'jira', status_map: { 'in review': 'review' } } })
  const text = JSON.stringify(entry)
  assert.not.ok(text.includes(issued.raw))
  assert.not.ok(text.includes(issued.token.tokenHash))
})

test('list: admin+ only; members and viewers forbidden, non-members not found', async () => {
  const { f, alice, adam, mia, vic, eve, pid } = await setup()
  right(await f.tp.apiTokens.create(alice, pid, { name: 'one' }))
  left(await f.tp.apiTokens.list(mia, pid, {}), 'Forbidden')
  left(await f.tp.apiTokens.list(vic, pid, {}), 'Forbidden')
  left(await f.tp.apiTokens.list(eve, pid, {}), 'NotFound')
  assert.equal(right(await f.tp.apiTokens.list(adam, pid, {})).items.map((t) => t.name), ['one'])
})

test('list: this project only, oldest first, with the stored fields (revoked ones included)', async () => {
  const { f, alice, pid } = await setup()
  const other = await f.project(alice, 'other-app')
  const a = right(await f.tp.apiTokens.create(alice, pid, { name: 'a', statusMap: { Resolved: 'completed' } }))
  f.clock.advance()
  right(await f.tp.apiTokens.create(alice, other, { name: 'elsewhere' }))
  f.clock.advance()
  const b = right(await f.tp.apiTokens.create(alice, pid, { name: 'b' }))
  f.clock.advance()
  right(await f.tp.apiTokens.revoke(alice, pid, b.token.id))
  const page = right(await f.tp.apiTokens.list(alice, pid, {}))
  assert.is(page.nextCursor, null)
  assert.equal(page.items.map((t) => [t.id, t.name, t.statusMap, t.revokedAt]), [
    [a.token.id, 'a', { resolved: 'completed' }, null],
    [b.token.id, 'b', {}, f.clock.now()],
  ])
  assert.equal(right(await f.tp.apiTokens.list(alice, other, {})).items.map((t) => t.name), ['elsewhere'])
})

test('list: keyset pages cover every token once, also when tokens share a creation time', async () => {
  const { f, alice, pid } = await setup()
  const names: string[] = []
  // Seven tokens in three instants: pages must break ties by id, never skip or repeat one.
  for (let i = 0; i < 7; i += 1) {
    if (i % 3 === 0) f.clock.advance()
    names.push(`t${i}`)
    right(await f.tp.apiTokens.create(alice, pid, { name: `t${i}` }))
  }
  const seen: string[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const page = right(await f.tp.apiTokens.list(alice, pid, { limit: 2, ...(cursor === undefined ? {} : { cursor }) }))
    assert.ok(page.items.length <= 2)
    seen.push(...page.items.map((t) => t.name))
    cursor = page.nextCursor ?? undefined
    pages += 1
  } while (cursor !== undefined && pages < 10)
  assert.is(pages, 4)
  assert.equal([...seen].sort(), [...names].sort())
  assert.is(new Set(seen).size, 7)
  // Ordered by creation time first.
  const all = right(await f.tp.apiTokens.list(alice, pid, { limit: 200 })).items
  assert.equal(all.map((t) => t.name), seen)
  assert.ok(all.every((t, i) => i === 0 || (all[i - 1]?.createdAt.getTime() ?? 0) <= t.createdAt.getTime()))
})

test('list: pages stay stable while tokens are created', async () => {
  const { f, alice, pid } = await setup()
  for (const name of ['one', 'two', 'three']) {
    right(await f.tp.apiTokens.create(alice, pid, { name }))
    f.clock.advance()
  }
  const first = right(await f.tp.apiTokens.list(alice, pid, { limit: 2 }))
  assert.equal(first.items.map((t) => t.name), ['one', 'two'])
  assert.type(first.nextCursor, 'string')
  right(await f.tp.apiTokens.create(alice, pid, { name: 'four' }))
  const rest = right(await f.tp.apiTokens.list(alice, pid, { limit: 2, cursor: first.nextCursor ?? '' }))
  assert.equal(rest.items.map((t) => t.name), ['three', 'four'])
  assert.is(rest.nextCursor, null)
})

test('list: the limit must be 1..200 and the cursor one the list returned', async () => {
  const { f, alice, pid } = await setup()
  right(await f.tp.apiTokens.create(alice, pid, { name: 'one' }))
  left(await f.tp.apiTokens.list(alice, pid, { limit: 0 }), 'ValidationFailed')
  left(await f.tp.apiTokens.list(alice, pid, { limit: 201 }), 'ValidationFailed')
  left(await f.tp.apiTokens.list(alice, pid, { limit: 1.5 }), 'ValidationFailed')
  assert.is(right(await f.tp.apiTokens.list(alice, pid, { limit: 200 })).items.length, 1)
  left(await f.tp.apiTokens.list(alice, pid, { cursor: 'not-a-cursor' }), 'ValidationFailed')
  // Another list's cursor shape (a plain id) or a key with a bad timestamp are refused.
  left(await f.tp.apiTokens.list(alice, pid, { cursor: Buffer.from('42').toString('base64url') }), 'ValidationFailed')
  left(await f.tp.apiTokens.list(alice, pid, { cursor: Buffer.from('{"t":"x","id":"y"}').toString('base64url') }), 'ValidationFailed')
})

test('revoke: sets revoked_at to now; revoking again succeeds and changes nothing', async () => {
  const { f, adam, pid } = await setup()
  const issued = right(await f.tp.apiTokens.create(adam, pid, { name: 'a' }))
  const revokedAt = f.clock.advance()
  right(await f.tp.apiTokens.revoke(adam, pid, issued.token.id))
  const stored = f.adapters.db.snapshot().tokens.get(issued.token.id)
  assert.equal(stored?.revokedAt, revokedAt)
  assert.is(stored?.tokenHash, issued.token.tokenHash)
  f.clock.advance()
  right(await f.tp.apiTokens.revoke(adam, pid, issued.token.id))
  const db = f.adapters.db.snapshot()
  assert.equal(db.tokens.get(issued.token.id)?.revokedAt, revokedAt)
  assert.equal(tokenAudit(db).map((e) => e.action), ['token_created', 'token_revoked'])
})

test('revoke: admin+ only; another project\'s token and unknown ids are not found and stay untouched', async () => {
  const { f, alice, adam, mia, vic, eve, pid } = await setup()
  const other = await f.project(alice, 'other-app')
  const mine = right(await f.tp.apiTokens.create(alice, pid, { name: 'mine' }))
  const theirs = right(await f.tp.apiTokens.create(alice, other, { name: 'theirs' }))
  left(await f.tp.apiTokens.revoke(mia, pid, mine.token.id), 'Forbidden')
  left(await f.tp.apiTokens.revoke(vic, pid, mine.token.id), 'Forbidden')
  left(await f.tp.apiTokens.revoke(eve, pid, mine.token.id), 'NotFound')
  // alice owns both projects, but the token id must belong to the project in the path.
  left(await f.tp.apiTokens.revoke(alice, pid, theirs.token.id), 'NotFound', `API token ${theirs.token.id} not found`)
  left(await f.tp.apiTokens.revoke(adam, pid, '00000000-0000-4000-8000-000000000000'), 'NotFound')
  left(await f.tp.apiTokens.revoke(adam, pid, 'no-such-id'), 'NotFound')
  const db = f.adapters.db.snapshot()
  assert.is(db.tokens.get(mine.token.id)?.revokedAt, null)
  assert.is(db.tokens.get(theirs.token.id)?.revokedAt, null)
  assert.equal(tokenAudit(db).map((e) => e.action), ['token_created', 'token_created'])
})

test('revoke: audited as token_revoked by the caller, without the token or its hash', async () => {
  const { f, adam, pid } = await setup()
  const issued = right(await f.tp.apiTokens.create(adam, pid, { name: 'a' }))
  const now = f.clock.advance()
  right(await f.tp.apiTokens.revoke(adam, pid, issued.token.id))
  const entry = tokenAudit(f.adapters.db.snapshot()).find((e) => e.action === 'token_revoked')
  assert.ok(entry)
  assert.is(entry.entityId, issued.token.id)
  assert.is(entry.projectId, pid)
  assert.equal(entry.actor, { type: 'human', id: adam.worker.id })
  assert.equal(entry.details, { before: { revoked_at: null }, after: { revoked_at: now.toISOString() } })
  assert.not.ok(JSON.stringify(entry).includes(issued.raw))
  assert.not.ok(JSON.stringify(entry).includes(issued.token.tokenHash))
})

test('create and revoke commit together with their audit entry, or not at all', async () => {
  const { f, alice, pid } = await setup()
  const kept = right(await f.tp.apiTokens.create(alice, pid, { name: 'kept' }))
  f.faults.failAuditWrites()
  const failedCreate = await f.tp.apiTokens.create(alice, pid, { name: 'never' }).then(() => 'resolved', () => 'rejected')
  const failedRevoke = await f.tp.apiTokens.revoke(alice, pid, kept.token.id).then(() => 'resolved', () => 'rejected')
  f.faults.heal()
  assert.equal([failedCreate, failedRevoke], ['rejected', 'rejected'])
  const db = f.adapters.db.snapshot()
  assert.equal([...db.tokens.values()].map((t) => [t.name, t.revokedAt]), [['kept', null]])
  assert.equal(tokenAudit(db).map((e) => e.action), ['token_created'])
})

test.run()
