// Development mode (no AUTH_JWKS_URL): taskport signs its own tokens with a key kept in the data dir, serves the
// public half at /.well-known/jwks.json, and verifies with it locally. Refused in production by the config.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose'
import { unauthorized } from '../../application/index.js'
import type { Authenticate } from '../http/authenticate.js'
import { principalFromClaims } from './jwks-authenticator.js'

export const DEV_ISSUER = 'taskport-development'
export const DEV_AUDIENCE = 'taskport'
const KID = 'taskport-dev-1'

export interface DevKeys {
  readonly jwks: { keys: JWK[] }
  sign(claims: { sub: string; email?: string; name?: string; role?: 'admin'; actor_type?: 'agent' }, expiresIn?: string): Promise<string>
  readonly authenticate: Authenticate
}

/** Loads the development key from `<dataDir>/dev-signing-key.json`, creating it (mode 600) on first use. */
export const loadDevKeys = async (dataDir: string): Promise<DevKeys> => {
  const file = join(dataDir, 'dev-signing-key.json')
  let privateJwk: JWK
  if (existsSync(file)) {
    privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK
  } else {
    const pair = await generateKeyPair('ES256', { extractable: true })
    privateJwk = { ...(await exportJWK(pair.privateKey)), kid: KID, alg: 'ES256' }
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 })
  }
  const { d: _secret, ...publicJwk } = privateJwk
  const jwks = { keys: [{ ...publicJwk, use: 'sig' }] }
  const privateKey = await importJWK(privateJwk, 'ES256')
  const keySet = createLocalJWKSet(jwks)
  return {
    jwks,
    sign: (claims, expiresIn = '30d') =>
      new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid ?? KID }).setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE).setIssuedAt().setExpirationTime(expiresIn).sign(privateKey),
    authenticate: async (authorization) => {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
      if (!token) return E.left(unauthorized('Missing or malformed Authorization header (expected: Bearer <token>)'))
      try {
        return principalFromClaims((await jwtVerify(token, keySet, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE })).payload)
      } catch (error) {
        return E.left(unauthorized(`Invalid token: ${(error as Error).message}`))
      }
    },
  }
}
