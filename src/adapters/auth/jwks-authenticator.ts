// Bearer JWTs verified against a JWKS with jose. Keys are cached for an hour; when the endpoint is down the last
// good key set keeps working (jose's remote set does not fall back, so this keeps its own copy and verifies with
// a local set). An unknown key id triggers one refresh (key rotation), at most every 30 s. With no usable key
// and the endpoint unreachable: AuthUnavailable (503). Expired, bad signature, `alg: none`, wrong issuer or
// audience: 401.
import * as E from 'fp-ts/lib/Either.js'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose'
import { unauthorized, type AppError, type Principal } from '../../application/index.js'
import { AuthUnavailable, type Authenticate } from '../http/authenticate.js'

export interface JwksOptions {
  readonly jwksUrl: string
  readonly issuer?: string
  readonly audience?: string
  /** How long a fetched key set is used before it is fetched again (default one hour). */
  readonly cacheMaxAgeMs?: number
  readonly fetchTimeoutMs?: number
  /** Least time between two fetches caused by unknown key ids (default 30 s). */
  readonly refreshCooldownMs?: number
  readonly now?: () => number
}

export const principalFromClaims = (claims: JWTPayload): E.Either<AppError, Principal> => {
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) return E.left(unauthorized('Invalid token: no subject'))
  if (claims.actor_type === 'agent') return E.right({ kind: 'agent', handle: claims.sub })
  return E.right({
    kind: 'user',
    userId: claims.sub,
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
    platformAdmin: claims.role === 'admin',
  })
}

export const jwksAuthenticator = (options: JwksOptions): Authenticate => {
  const now = options.now ?? Date.now
  const maxAge = options.cacheMaxAgeMs ?? 3_600_000
  const cooldown = options.refreshCooldownMs ?? 30_000
  let keys: JSONWebKeySet | undefined
  let fetchedAt = 0
  let lastAttempt = 0
  let lastRefreshOk = false
  let inflight: Promise<boolean> | undefined

  /** Fetches the key set; true when it succeeded. Concurrent callers share one request. */
  const refresh = (): Promise<boolean> => {
    inflight ??= (async () => {
      lastAttempt = now()
      try {
        const response = await fetch(options.jwksUrl, { signal: AbortSignal.timeout(options.fetchTimeoutMs ?? 5000) })
        const body = response.ok ? ((await response.json()) as JSONWebKeySet) : undefined
        lastRefreshOk = Array.isArray(body?.keys)
        if (body && lastRefreshOk) {
          keys = body
          fetchedAt = now()
        }
        return lastRefreshOk
      } catch {
        lastRefreshOk = false // connection refused surfaces as a plain "fetch failed"
        return false
      } finally {
        inflight = undefined
      }
    })()
    return inflight
  }

  const verify = async (token: string) =>
    jwtVerify(token, createLocalJWKSet(keys ?? { keys: [] }), {
      ...(options.issuer ? { issuer: options.issuer } : {}),
      ...(options.audience ? { audience: options.audience } : {}),
    })

  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
    if (!match?.[1]) return E.left(unauthorized('Missing or malformed Authorization header (expected: Bearer <token>)'))
    const token = match[1]
    if (!keys || now() - fetchedAt > maxAge) {
      const ok = await refresh()
      if (!ok && !keys) throw new AuthUnavailable()
    }
    try {
      return principalFromClaims((await verify(token)).payload)
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'ERR_JWKS_NO_MATCHING_KEY') {
        // A key we do not know: maybe rotated in. Refresh (at most every 30 s) and try again; with the endpoint
        // unreachable there is no way to tell a new key from a bad one: 503.
        const reachable = now() - lastAttempt >= cooldown ? await refresh() : lastRefreshOk
        if (!reachable) throw new AuthUnavailable()
        try {
          return principalFromClaims((await verify(token)).payload)
        } catch (retryError) {
          return E.left(unauthorized(`Invalid token: ${(retryError as Error).message}`))
        }
      }
      return E.left(unauthorized(`Invalid token: ${code === 'ERR_JWT_EXPIRED' ? 'expired' : (error as Error).message}`))
    }
  }
}
