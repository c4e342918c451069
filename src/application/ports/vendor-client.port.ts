import type { Integration, SyncPayload } from '../../domain/index.js'

/** One item of a pull import: a push to apply, or something the source holds that is not a task. */
export type ImportItem =
  | { readonly kind: 'item'; readonly payload: SyncPayload }
  | { readonly kind: 'skip'; readonly reason: string }

/** One page of a pull import, with the size of the whole source when the vendor tells (an estimate). */
export interface ImportPage {
  readonly items: readonly ImportItem[]
  readonly estimatedTotal?: number
}

/** A task as pushed to a vendor. */
export interface OutboundTask {
  readonly title: string
  readonly description: string | null
  readonly tags: readonly string[]
  readonly dueDate: string | null
  /** The assignee's vendor user id from the integration's `assignee_mapping`, when there is one. */
  readonly assigneeExternalId: string | undefined
}

export interface CreatedItem {
  readonly externalId: string
  readonly externalUrl: string | null
}

/** A vendor's API as the use cases need it (src/adapters/vendors/<vendor>). Failures throw VendorError. */
export interface VendorClient {
  /** Every item of the connected source, page by page. */
  importItems?(integration: Integration, accessToken: string): AsyncIterable<ImportPage>
  /** Creates the task in the vendor. */
  createItem(integration: Integration, accessToken: string, task: OutboundTask): Promise<CreatedItem>
}

/** The vendor answered with an error (after its Retry-After was honoured): reported per item, never a 500. */
export class VendorError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message)
    this.name = 'VendorError'
  }
}
