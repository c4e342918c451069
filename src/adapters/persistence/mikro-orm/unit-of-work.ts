// The unit of work on PostgreSQL: each run gets a fork of the entity manager and one transaction; a Left result
// or an exception rolls it back.
import * as E from 'fp-ts/lib/Either.js'
import type { MikroORM } from '@mikro-orm/postgresql'
import { StoreUnavailable, type Stores, type UnitOfWork } from '../../../application/index.js'
import { pgAuditLog } from './audit-log.js'
import { pgLinkStore } from './link-store.js'
import { pgMemberStore } from './member-store.js'
import { pgProjectStore } from './project-store.js'
import { Sql } from './sql.js'
import { pgTaskStore } from './task-store.js'
import { pgIntegrationStore } from './integration-store.js'
import { pgTokenStore } from './token-store.js'
import { pgWorkerStore } from './worker-store.js'

export const pgStores = (sql: Sql): Stores => ({
  projects: pgProjectStore(sql),
  workers: pgWorkerStore(sql),
  members: pgMemberStore(sql),
  tasks: pgTaskStore(sql),
  links: pgLinkStore(sql),
  tokens: pgTokenStore(sql),
  integrations: pgIntegrationStore(sql),
  audit: pgAuditLog(sql),
})

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300'])

/**
 * Failures of the connection rather than of the statement: the server is down, restarting, or out of slots.
 * When the connection dies under BEGIN, knex marks the transaction complete and keeps that error to itself: the
 * work's first statement then fails with "Transaction query already complete" (seen with PostgreSQL stopped
 * under load, tests/adapters/http/faults.test.ts). `timeout expired` is pg's connection timeout (a host that
 * accepts and never answers).
 */
const isConnectionFailure = (error: unknown): boolean => {
  const e = error as { code?: string; name?: string; message?: string }
  return (
    (e.code !== undefined && (CONNECTION_CODES.has(e.code) || e.code.startsWith('08'))) ||
    e.name === 'ConnectionException' ||
    /Connection terminated|Timeout acquiring a connection|connect ECONNREFUSED|Client has encountered a connection error|^Transaction query already complete|^timeout expired$/i.test(e.message ?? '')
  )
}

/** Carries a Left out of `transactional` so that MikroORM rolls the transaction back. */
class Rollback<L> {
  constructor(readonly result: E.Left<L>) {}
}

export interface StatementCounter {
  /** Called after each transaction with the number of SQL statements it sent (BEGIN/COMMIT not counted). */
  (statements: number): void
}

export const mikroOrmUnitOfWork = (orm: MikroORM, onStatements?: StatementCounter): UnitOfWork => ({
  run: async (work) => {
    const sql = { current: undefined as Sql | undefined }
    try {
      return await orm.em.fork().transactional(async (em) => {
        sql.current = new Sql(em)
        const result = await work(pgStores(sql.current))
        if (E.isLeft(result)) throw new Rollback(result)
        return result
      })
    } catch (error) {
      if (error instanceof Rollback) return error.result
      if (isConnectionFailure(error)) throw new StoreUnavailable((error as Error).message)
      throw error
    } finally {
      if (onStatements && sql.current) onStatements(sql.current.statements)
    }
  },
})
