/** Raw API tokens: generated once, shown once, stored only as their SHA-256. */
export interface TokenSecrets {
  /** 256 random bits, hex encoded (64 characters). */
  generate(): string
  /** Hex SHA-256 of a raw token. */
  hash(raw: string): string
  /** A signing secret for outgoing webhooks: `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
  webhookSecret(): string
  /** Constant-time equality of two hashes. */
  equals(a: string, b: string): boolean
}
