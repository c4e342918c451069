import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { jwksAuthenticator } from '../../../src/adapters/auth/jwks-authenticator.js'
import { AuthUnavailable } from '../../../src/adapters/http/authenticate.js'
import { AUDIENCE, ISSUER, startJwks } from '../../support/http.js'

const unavailable = (promise: Promise<unknown>) =>
  promise.then(() => assert.unreachable('expected AuthUnavailable'), (error) => assert.instance(error, AuthUnavailable))

test('no key ever fetched and the endpoint down (503 answer or connection refused): unavailable', async () => {
  const jwks = await startJwks()
  jwks.up = false
  const auth = jwksAuthenticator({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE })
  await unavailable(auth(`Bearer ${await jwks.sign({ sub: 'a' })}`))
  const token = await jwks.sign({ sub: 'a' })
  await jwks.stop()
  await unavailable(auth(`Bearer ${token}`))
})

test('after the cache age the last good keys keep working while the endpoint is down', async () => {
  const jwks = await startJwks()
  let clock = 0
  const auth = jwksAuthenticator({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, cacheMaxAgeMs: 1000, now: () => clock })
  const token = await jwks.sign({ sub: 'alice', email: 'alice@example.com', role: 'admin' })
  const first = await auth(`Bearer ${token}`)
  assert.equal(first, E.right({ kind: 'user', userId: 'alice', email: 'alice@example.com', platformAdmin: true }))
  jwks.up = false
  clock += 5000
  const requests = jwks.requests
  assert.ok(E.isRight(await auth(`Bearer ${token}`)))
  assert.is(jwks.requests, requests + 1, 'it tried to refresh the stale key set')
  await jwks.stop()
})

test('claims: agents by handle; a token without subject is refused', async () => {
  const jwks = await startJwks()
  const auth = jwksAuthenticator({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE })
  assert.equal(await auth(`Bearer ${await jwks.sign({ sub: '@bot', actor_type: 'agent' })}`), E.right({ kind: 'agent', handle: '@bot' }))
  const noSub = await auth(`Bearer ${await jwks.sign({ email: 'x@y.z' })}`)
  assert.ok(E.isLeft(noSub) && noSub.left._tag === 'Unauthorized')
  await jwks.stop()
})

test.run()
