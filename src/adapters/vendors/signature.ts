// HMAC-SHA256 webhook signatures, compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const hmacHex = (secret: string, body: Buffer): string => createHmac('sha256', secret).update(body).digest('hex')

/** `given` (hex, optionally after `prefix`) equals the HMAC of `body`; false for anything malformed. */
export const verifyHmac = (secret: string, body: Buffer, given: string | undefined, prefix = ''): boolean => {
  if (given === undefined || !given.startsWith(prefix)) return false
  const hex = given.slice(prefix.length).trim()
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false
  const expected = createHmac('sha256', secret).update(body).digest()
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'))
}

/** A string field of an unknown JSON value, by path. */
export const field = (value: unknown, ...path: string[]): unknown => {
  let current = value
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

export const date = (value: unknown): Date | undefined => {
  if (typeof value !== 'string') return undefined
  const parsed = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  // Years PostgreSQL cannot store in ISO form (0, six digits) are no time a vendor meant: ignored like garbage.
  const year = parsed.getUTCFullYear()
  return Number.isNaN(year) || year < 1 || year > 9999 ? undefined : parsed
}
