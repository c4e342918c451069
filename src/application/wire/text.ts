// The text rule of every JSON input, REST bodies and MCP arguments alike: what PostgreSQL cannot store is refused
// as a validation error before any codec or use case sees it.
import type { Issue } from '../../domain/index.js'

/** The deepest nesting a JSON input may have. */
export const MAX_JSON_DEPTH = 64

/** A NUL character (PostgreSQL text cannot hold it) or a lone UTF-16 surrogate (no UTF-8 encoding exists). */
export const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates'

/**
 * The first problem of a parsed JSON body that no route could store: text PostgreSQL refuses (which would
 * otherwise surface as a 500 or a 503 from the database) or nesting beyond MAX_JSON_DEPTH. Iterative: a hostile
 * body must not exhaust the stack.
 */
export const unstorableJson = (value: unknown, root = 'body'): Issue | undefined => {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }]
  const at = (path: string) => path || root
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string; depth: number }
    if (typeof item.value === 'string') {
      if (UNSTORABLE_TEXT.test(item.value)) return { path: at(item.path), message: UNSTORABLE_TEXT_MESSAGE }
    } else if (typeof item.value === 'object' && item.value !== null) {
      if (item.depth >= MAX_JSON_DEPTH) return { path: at(item.path), message: `must not be nested more than ${MAX_JSON_DEPTH} levels deep` }
      for (const [key, child] of Object.entries(item.value)) {
        const path = item.path ? `${item.path}.${key}` : key
        if (UNSTORABLE_TEXT.test(key)) return { path: at(item.path), message: `keys ${UNSTORABLE_TEXT_MESSAGE}` }
        stack.push({ value: child, path, depth: item.depth + 1 })
      }
    }
  }
  return undefined
}

