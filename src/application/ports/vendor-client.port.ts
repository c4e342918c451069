import type { Integration, SyncPayload } from '../../domain/index.js'

/** One item of a pull import: a push to apply, or something the source holds that is not a task. */
export type ImportItem =
  | { readonly kind: 'item'; readonly payload: SyncPayload }
  | { readonly kind: 'skip'; readonly reason: string }

/** A vendor's API as the use cases need it (src/adapters/vendors/<vendor>). */
export interface VendorClient {
  /** Every item of the connected source, page by page; throws VendorError when the vendor refuses. */
  importItems?(integration: Integration, accessToken: string): AsyncIterable<readonly ImportItem[]>
}

/** The vendor answered with an error (after its Retry-After was honoured): reported per item, never a 500. */
export class VendorError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message)
    this.name = 'VendorError'
  }
}
