// Opaque keyset cursors: base64url of the last row's key. Stores never see OFFSET.
import * as E from 'fp-ts/lib/Either.js'
import { invalidField } from '../domain/index.js'
import type { AppError } from './errors.js'
import type { KeysetQuery } from './ports/index.js'

export interface Page<T> {
  readonly items: readonly T[]
  readonly nextCursor: string | null
}

export interface PageRequest {
  /** 1..200, default 50. */
  readonly limit?: number
  readonly cursor?: string
}

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 200

export const encodeCursor = (key: unknown): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')

export interface ResolvedPage<K> {
  readonly limit: number
  readonly after?: K
}

/** Validates limit and cursor; `isKey` checks the decoded cursor has the list's key shape. */
export const resolvePage = <K>(request: PageRequest, isKey: (value: unknown) => value is K): E.Either<AppError, ResolvedPage<K>> => {
  const limit = request.limit ?? DEFAULT_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return E.left(invalidField('limit', `must be an integer from 1 to ${MAX_LIMIT}`))
  if (request.cursor === undefined) return E.right({ limit })
  try {
    const decoded: unknown = JSON.parse(Buffer.from(request.cursor, 'base64url').toString('utf8'))
    if (isKey(decoded)) return E.right({ limit, after: decoded })
  } catch {
    // falls through to the validation error
  }
  return E.left(invalidField('cursor', 'is not a cursor this list returned'))
}

/** Cuts the one extra row the store was asked for into the next cursor. */
export const toPage = <T, K>(rows: readonly T[], limit: number, keyOf: (row: T) => K): Page<T> => {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null }
}

export const isIdKey = (value: unknown): value is number => Number.isSafeInteger(value)

/** Asks the store for one row more than the page and cuts it into items and the next cursor. */
export const fetchPage = async <T, K>(
  page: ResolvedPage<K>,
  fetch: (query: KeysetQuery<K>) => Promise<readonly T[]>,
  keyOf: (row: T) => unknown,
): Promise<Page<T>> => toPage(await fetch({ after: page.after, limit: page.limit + 1 }), page.limit, keyOf)

/** The cursor of lists ordered by (created_at, uuid): tokens, integrations. */
interface CreatedKeyWire {
  readonly t: string
  readonly id: string
}

const isCreatedKeyWire = (value: unknown): value is CreatedKeyWire =>
  typeof value === 'object' && value !== null && typeof (value as CreatedKeyWire).t === 'string' &&
  typeof (value as CreatedKeyWire).id === 'string' && !Number.isNaN(Date.parse((value as CreatedKeyWire).t))

export interface CreatedKey {
  readonly createdAt: Date
  readonly id: string
}

/** Resolves the request, then fetches one page ordered by (created_at, id) with `fetch`. */
export const fetchCreatedPage = async <T extends CreatedKey>(
  request: PageRequest,
  fetch: (query: KeysetQuery<CreatedKey>) => Promise<readonly T[]>,
): Promise<E.Either<AppError, Page<T>>> => {
  const page = resolvePage(request, isCreatedKeyWire)
  if (E.isLeft(page)) return page
  const after = page.right.after && { createdAt: new Date(page.right.after.t), id: page.right.after.id }
  const rows = await fetch({ after, limit: page.right.limit + 1 })
  return E.right(toPage(rows, page.right.limit, (row): CreatedKeyWire => ({ t: row.createdAt.toISOString(), id: row.id })))
}
