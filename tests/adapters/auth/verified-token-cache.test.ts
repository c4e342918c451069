import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import { decodeJwt, UnsecuredJWT } from 'jose'
import type { Authenticate } from '../../../src/adapters/http/authenticate.js'
import { cachingAuthenticator } from '../../../src/adapters/auth/verified-token-cache.js'
import { unauthorized } from '../../../src/application/errors.js'

const jwt = (sub: string, expSeconds?: number) => {
  const token = new UnsecuredJWT({ sub })
  if (expSeconds !== undefined) token.setExpirationTime(expSeconds)
  return `Bearer ${token.encode()}`
}

/** An inner authenticator that counts its calls and accepts every token whose sub is not "bad". */
const counting = () => {
  const calls: string[] = []
  const inner: Authenticate = async (authorization) => {
    calls.push(authorization ?? '')
    if (authorization === undefined) return E.left(unauthorized('missing'))
    return decodeJwt(authorization.slice('Bearer '.length)).sub === 'bad' ? E.left(unauthorized('bad')) : E.right({ kind: 'human', userId: 'u', email: 'u@example.com' } as never)
  }
  return { calls, inner }
}

test('a token that verified is not verified again within the TTL', async () => {
  const { calls, inner } = counting()
  let clock = 1_000_000
  const auth = cachingAuthenticator(inner, { ttlMs: 60_000, now: () => clock })
  const token = jwt('alice', 10_000)
  assert.ok(E.isRight(await auth(token)))
  assert.ok(E.isRight(await auth(token)))
  assert.is(calls.length, 1)
  clock += 60_001
  assert.ok(E.isRight(await auth(token)))
  assert.is(calls.length, 2, 'after the TTL the signature is checked again')
})

test('an entry never outlives the token: past exp the inner check runs (and refuses)', async () => {
  const calls: number[] = []
  let clock = 5_000_000
  const inner: Authenticate = async () => {
    calls.push(clock)
    return clock >= 5_010_000 ? E.left(unauthorized('expired')) : E.right({ kind: 'human', userId: 'u' } as never)
  }
  const auth = cachingAuthenticator(inner, { ttlMs: 60_000, now: () => clock })
  const token = jwt('alice', 5_010) // exp = 5,010 s = 5,010,000 ms
  assert.ok(E.isRight(await auth(token)))
  clock = 5_009_999
  assert.ok(E.isRight(await auth(token)))
  assert.is(calls.length, 1)
  clock = 5_010_000
  assert.ok(E.isLeft(await auth(token)))
  assert.is(calls.length, 2)
})

test('refusals are not remembered, and the cache is bounded (oldest out first)', async () => {
  const { calls, inner } = counting()
  const auth = cachingAuthenticator(inner, { maxEntries: 2, now: () => 0 })
  const bad = jwt('bad')
  assert.ok(E.isLeft(await auth(bad)))
  assert.ok(E.isLeft(await auth(bad)))
  assert.is(calls.length, 2)
  const [a, b, c] = [jwt('a'), jwt('b'), jwt('c')]
  await auth(a)
  await auth(b)
  await auth(c) // evicts a
  const before = calls.length
  await auth(b)
  await auth(c)
  assert.is(calls.length, before, 'b and c are cached')
  await auth(a)
  assert.is(calls.length, before + 1, 'a was evicted')
  assert.ok(E.isLeft(await auth(undefined)), 'no header: the inner answer')
})

test.run()
