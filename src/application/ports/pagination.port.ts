// Keyset pagination as the stores see it: an ordered key to start after and how many rows to return.
// The application turns the key into an opaque cursor; stores never use OFFSET.

export interface KeysetQuery<K> {
  /** Rows strictly after this key in the list's order; absent for the first page. */
  readonly after?: K
  /** At most this many rows (the application asks for one more than the page size to detect a next page). */
  readonly limit: number
}
