// Inbound task-sync: which tokens a push is accepted with, and that an accepted push records the use of its token.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { left, right } from '../../support/app-fixture.js'
import { db, setup } from './sync-fixture.js'

test('auth: a missing, malformed, unknown or revoked token, or another project\'s, is Unauthorized and writes nothing', async () => {
  const { f, alice, pid, raw, token, push } = await setup()
  const other = await f.project(alice, 'other-app')
  const foreign = right(await f.tp.apiTokens.create(alice, other, { name: 'x' }))
  const refused = 'Invalid or revoked API token'
  left(await f.tp.sync({ projectId: pid, rawToken: undefined, payload: { source: 'jira', externalId: 'A-1', name: 'x' } }), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, ''), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, 'short'), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, raw.slice(0, 63)), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, `${raw}0`), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, raw.toUpperCase()), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, ` ${raw}`), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, 'f'.repeat(64)), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, foreign.raw), 'Unauthorized', refused)
  // The right token on a project id that is not its own (or does not exist) is refused as well.
  left(await f.tp.sync({ projectId: other, rawToken: raw, payload: { source: 'jira', externalId: 'A-1', name: 'x' } }), 'Unauthorized', refused)
  left(await f.tp.sync({ projectId: 987654, rawToken: raw, payload: { source: 'jira', externalId: 'A-1', name: 'x' } }), 'Unauthorized', refused)
  const t = db(f)
  assert.is(t.tasks.size, 0)
  assert.is(t.links.size, 0)
  assert.is(t.tokens.get(token.id)?.lastUsedAt, null)
  assert.is(t.tokens.get(foreign.token.id)?.lastUsedAt, null, 'a refused push does not count as a use of the token')

  right(await f.tp.apiTokens.revoke(alice, pid, token.id))
  left(await push({ externalId: 'A-1' }), 'Unauthorized', refused)
  assert.is(db(f).tasks.size, 0)
})

test('auth: every accepted push records last_used_at', async () => {
  const { f, token, push } = await setup()
  assert.is(db(f).tokens.get(token.id)?.lastUsedAt, null)
  const t1 = f.clock.advance()
  right(await push({ externalId: 'A-1' }))
  assert.equal(db(f).tokens.get(token.id)?.lastUsedAt, t1)
  const t2 = f.clock.advance(60_000)
  right(await push({ externalId: 'A-1' })) // an update that changes nothing is still a use
  assert.equal(db(f).tokens.get(token.id)?.lastUsedAt, t2)
})

test.run()
