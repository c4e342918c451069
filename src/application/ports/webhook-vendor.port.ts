import type { Integration, SyncPayload } from '../../domain/index.js'

/** A vendor's webhook delivery as received: the raw bytes (signatures cover them), the headers, the parsed JSON. */
export interface WebhookRequest {
  readonly rawBody: Buffer
  /** Header by lower-case name. */
  header(name: string): string | undefined
  /** undefined when the body is not JSON. */
  readonly body: unknown
}

export type InboundEvent =
  | { readonly kind: 'sync'; readonly payload: SyncPayload }
  | { readonly kind: 'ignored'; readonly reason: string }

/** One vendor's webhook scheme: its signature, its delivery id, and its payload as a task-sync push. */
export interface WebhookVendor {
  /** Constant-time check of the delivery's signature (and freshness, where the scheme has it). */
  verify(request: WebhookRequest, secret: string, now: Date): boolean
  deliveryId(request: WebhookRequest): string | undefined
  translate(request: WebhookRequest, integration: Integration): InboundEvent
}
