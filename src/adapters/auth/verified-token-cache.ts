// Remembers bearer tokens that verified, so that a client sending the same token on every request pays for the
// signature check once a minute instead of on every request (an ES256/RS256 verification was 11 % of the CPU of a
// GET under load, docs/performance.md). Only successes are kept; an entry lives until the token's `exp` or
// `ttlMs`, whichever is first, so a key removed from the JWKS stops working within `ttlMs`.
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { decodeJwt } from 'jose'
import type { Authenticate } from '../http/authenticate.js'

export interface VerifiedTokenCacheOptions {
  /** Default 60 s. */
  readonly ttlMs?: number
  /** Default 10,000 tokens; the oldest entry goes first. */
  readonly maxEntries?: number
  readonly now?: () => number
}

type Verified = Awaited<ReturnType<Authenticate>>

export const cachingAuthenticator = (inner: Authenticate, options: VerifiedTokenCacheOptions = {}): Authenticate => {
  const ttl = options.ttlMs ?? 60_000
  const max = options.maxEntries ?? 10_000
  const now = options.now ?? Date.now
  // Keyed by the token's SHA-256: the map holds no usable credential.
  const entries = new Map<string, { readonly result: Verified; readonly until: number }>()
  return async (authorization) => {
    if (authorization === undefined) return inner(authorization)
    const key = createHash('sha256').update(authorization).digest('base64')
    const hit = entries.get(key)
    if (hit && hit.until > now()) return hit.result
    if (hit) entries.delete(key)
    const result = await inner(authorization)
    if (E.isRight(result)) {
      const exp = expiry(authorization)
      const until = Math.min(now() + ttl, exp ?? Number.POSITIVE_INFINITY)
      if (until > now()) {
        if (entries.size >= max) entries.delete(entries.keys().next().value as string)
        entries.set(key, { result, until })
      }
    }
    return result
  }
}

/** The token's `exp` in ms (undefined without one). */
const expiry = (authorization: string): number | undefined => {
  try {
    const exp = decodeJwt(authorization.replace(/^Bearer\s+/i, '')).exp
    return typeof exp === 'number' ? exp * 1000 : undefined
  } catch {
    return undefined
  }
}
