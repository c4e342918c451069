/**
 * Where a webhook URL may point: refuses hosts that are or resolve to loopback, private, link-local, unique-local
 * or unspecified addresses (unless the server allows private networks). The delivery's HTTP client checks the
 * address it actually connects to again.
 */
export interface UrlGuard {
  /** undefined when the URL may be used; otherwise why not (`url: resolves to a private address`). */
  refusal(url: string): Promise<string | undefined>
}

/** Told after a transaction that wrote events has committed, so that a local delivery runner wakes at once. */
export interface EventNotifier {
  eventsCommitted(): void
}
