/**
 * Vendor credentials at rest: sealed (authenticated encryption) before they are stored, opened only to call
 * the vendor or to check a webhook signature. A sealed value names the key that sealed it, so keys can rotate.
 */
export interface CredentialCipher {
  seal(plain: string): string
  /** Throws when the value was tampered with or sealed by a key this cipher does not hold. */
  open(sealed: string): string
}
