import type { KeysetQuery } from '../../../application/index.js'

/** Keyset paging over rows already sorted by their key: rows strictly after `after`, at most `limit`. */
export const keysetPage = <T, K>(
  sorted: readonly T[],
  keyOf: (row: T) => K,
  compare: (a: K, b: K) => number,
  page: KeysetQuery<K>,
): readonly T[] => {
  const after = page.after
  const start = after === undefined ? sorted : sorted.filter((row) => compare(keyOf(row), after) > 0)
  return start.slice(0, page.limit)
}

export const byNumber = (a: number, b: number): number => a - b
export const descending = (a: number, b: number): number => b - a
