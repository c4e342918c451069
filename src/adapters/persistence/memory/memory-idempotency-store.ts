import type { IdempotencyStore } from '../../../application/index.js'
import type { Tables } from './memory-db.js'

const id = (scope: string, key: string): string => `${scope} ${key}`

export const memoryIdempotencyStore = (t: Tables): IdempotencyStore => ({
  // Transactions here run one at a time: no other one can hold a key while this one runs.
  hold: async () => true,
  find: async (scope, key) => t.idempotency.get(id(scope, key)),
  save: async (record) => {
    t.idempotency.set(id(record.scope, record.key), record)
  },
  purge: async (before, limit) => {
    const expired = [...t.idempotency].filter(([, r]) => r.createdAt < before).slice(0, limit)
    for (const [k] of expired) t.idempotency.delete(k)
    return expired.length
  },
})
