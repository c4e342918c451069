// Idempotency keys on PostgreSQL. A key in flight is held with a transaction-level advisory lock (two int4 from
// SHA-256 of scope and key: a space apart from the one-bigint migration lock), taken without waiting, released by
// COMMIT or ROLLBACK, and by PostgreSQL itself when the connection of a killed process ends.
import { createHash } from 'node:crypto'
import type { IdempotencyRecord, IdempotencyStore } from '../../../application/index.js'
import type { Sql } from './sql.js'

/** The advisory lock of a key (exported for tests that hold one). */
export const idempotencyLockKeys = (scope: string, key: string): [number, number] => {
  const digest = createHash('sha256').update(scope).update('\0').update(key).digest()
  return [digest.readInt32BE(0), digest.readInt32BE(4)]
}

interface Row {
  scope: string
  key: string
  fingerprint: string
  response: string
  sealed: boolean
  created_at: string | Date
}

const toRecord = (r: Row): IdempotencyRecord => ({
  scope: r.scope, key: r.key, fingerprint: r.fingerprint, response: r.response, sealed: r.sealed, createdAt: new Date(r.created_at),
})

export const pgIdempotencyStore = (sql: Sql): IdempotencyStore => ({
  hold: async (scope, key) => {
    const row = await sql.one<{ held: boolean }>('select pg_try_advisory_xact_lock(?::int, ?::int) as held', idempotencyLockKeys(scope, key))
    return row?.held === true
  },
  find: async (scope, key) => {
    const r = await sql.one<Row>('select scope, key, fingerprint, response, sealed, created_at from idempotency_keys where scope = ? and key = ?', [scope, key])
    return r && toRecord(r)
  },
  save: async (r) => {
    await sql.run(
      `insert into idempotency_keys (scope, key, fingerprint, response, sealed, created_at) values (?, ?, ?, ?, ?, ?)
       on conflict (scope, key) do update set fingerprint = excluded.fingerprint, response = excluded.response, sealed = excluded.sealed, created_at = excluded.created_at`,
      [r.scope, r.key, r.fingerprint, r.response, r.sealed, r.createdAt],
    )
  },
  purge: async (before, limit) => {
    const row = await sql.one<{ n: number }>(
      `with doomed as (select scope, key from idempotency_keys where created_at < ? order by created_at limit ? for update skip locked),
            gone as (delete from idempotency_keys i using doomed d where i.scope = d.scope and i.key = d.key returning 1)
       select count(*)::int as n from gone`,
      [before, limit],
    )
    return row?.n ?? 0
  },
})
