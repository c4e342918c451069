// AES-256-GCM for vendor credentials: a random 96-bit IV per value, the 128-bit tag checked on open, and the
// key id (first 8 hex of the key's SHA-256) in front, so that old values still open after a key rotation.
// Format: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import type { CredentialCipher } from '../../application/index.js'

export const keyIdOf = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8)

export class CipherKeyError extends Error {
  override name = 'CipherKeyError'
}

/**
 * `current` seals; `current` and every `previous` key open. Keys are 32 bytes.
 * Rotation: run with the new key as current and the old one in `previous` (TASKPORT_SECRET_KEY_PREVIOUS);
 * values sealed by either open; then drop the old key once everything is re-sealed.
 */
export const aesGcmCipher = (current: Buffer, previous: readonly Buffer[] = []): CredentialCipher => {
  for (const key of [current, ...previous]) if (key.length !== 32) throw new CipherKeyError('credential keys must be 32 bytes')
  const keys = new Map([current, ...previous].map((key) => [keyIdOf(key), key] as const))
  const currentId = keyIdOf(current)
  return {
    seal: (plain) => {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', current, iv)
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return ['v1', currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.')
    },
    open: (sealed) => {
      const [version, keyId, iv, tag, data] = sealed.split('.')
      if (version !== 'v1' || !keyId || iv === undefined || tag === undefined || data === undefined) throw new CipherKeyError('not a sealed credential')
      const key = keys.get(keyId)
      if (!key) throw new CipherKeyError(`credential sealed with key ${keyId}, which this server does not hold`)
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8')
    },
  }
}

/** A cipher with a fresh random key: for in-memory use and tests, where nothing outlives the process. */
export const ephemeralCipher = (): CredentialCipher => aesGcmCipher(randomBytes(32))
