// Adapters for the small system ports: wall clock, random UUIDs, token randomness and hashing (node:crypto).
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { Clock, IdGenerator, TokenSecrets } from '../../application/index.js'

export const systemClock: Clock = { now: () => new Date() }

export const randomIds: IdGenerator = { uuid: () => randomUUID() }

export const nodeTokenSecrets: TokenSecrets = {
  generate: () => randomBytes(32).toString('hex'),
  webhookSecret: () => `whsec_${randomBytes(32).toString('base64')}`,
  hash: (raw) => createHash('sha256').update(raw, 'utf8').digest('hex'),
  equals: (a, b) => {
    const x = Buffer.from(a, 'utf8')
    const y = Buffer.from(b, 'utf8')
    return x.length === y.length && timingSafeEqual(x, y)
  },
}

export { aesGcmCipher, ephemeralCipher, keyIdOf, CipherKeyError } from './aes-gcm-cipher.js'
