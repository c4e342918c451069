import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createApiToken, isActive, RAW_TOKEN_PATTERN, revoke } from '../../src/domain/api-token.js'
import { fail, ok, paths } from '../support/either.js'
import { T0, T1, T2, anApiToken } from '../support/builders.js'

const fields = {
  id: '00000000-0000-4000-8000-000000000002', projectId: 1, name: 'jira', tokenHash: 'b'.repeat(64),
  statusMap: { done: 'completed' as const }, createdById: 7,
}

test('a new token: named, unused, not revoked, created now', () => {
  assert.equal(ok(createApiToken(fields, T0)), { ...fields, createdAt: T0, lastUsedAt: null, revokedAt: null })
  assert.ok(isActive(ok(createApiToken(fields, T0))))
})

test('a token name is 1..100 characters, not blank', () => {
  ok(createApiToken({ ...fields, name: 'n'.repeat(100) }, T0))
  for (const bad of ['', '   ', 'n'.repeat(101)]) assert.equal(paths(fail(createApiToken({ ...fields, name: bad }, T0), 'ValidationFailed')), ['name'], bad)
})

test('revoking: inactive from then on; revoking again keeps the first revocation time', () => {
  const token = anApiToken()
  assert.ok(isActive(token))
  const revoked = revoke(token, T1)
  assert.equal(revoked, { ...token, revokedAt: T1 })
  assert.not.ok(isActive(revoked))
  assert.is(revoke(revoked, T2), revoked)
  assert.equal(revoke(revoked, T2).revokedAt, T1)
})

test('a raw token is 64 lower-case hex characters (256 bits)', () => {
  assert.ok(RAW_TOKEN_PATTERN.test('0123456789abcdef'.repeat(4)))
  for (const bad of ['', 'a'.repeat(63), 'a'.repeat(65), 'A'.repeat(64), `${'a'.repeat(63)}g`, ` ${'a'.repeat(64)}`]) {
    assert.not.ok(RAW_TOKEN_PATTERN.test(bad), bad)
  }
})

test.run()
