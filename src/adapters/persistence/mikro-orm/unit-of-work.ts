// The unit of work on PostgreSQL: each run gets a connection of the pool and one transaction; a Left result or
// an exception rolls it back. A read gets a connection and no transaction.
import * as E from 'fp-ts/lib/Either.js'
import type { MikroORM } from '@mikro-orm/postgresql'
import { StoreUnavailable, type Stores, type UnitOfWork } from '../../../application/index.js'
import { pgAuditLog } from './audit-log.js'
import { pgLinkStore } from './link-store.js'
import { pgMemberStore } from './member-store.js'
import { pgProjectStore } from './project-store.js'
import { Sql, type SqlConnection } from './sql.js'
import { pgTaskStore } from './task-store.js'
import { pgIntegrationStore } from './integration-store.js'
import { pgTokenStore } from './token-store.js'
import { pgWebhookStore } from './webhook-store.js'
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
  webhooks: pgWebhookStore(sql),
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

export interface StatementCounter {
  /** Called after each unit of work with the number of SQL statements it sent (BEGIN/COMMIT not counted). */
  (statements: number): void
}

/** A `pg` client of the pool; `__knex__disposed` tells the pool to close it instead of handing it out again. */
interface PooledConnection extends SqlConnection {
  __knex__disposed?: unknown
}

interface Pool {
  acquireConnection(): Promise<PooledConnection>
  releaseConnection(connection: PooledConnection): Promise<unknown>
}

/**
 * Runs the stores' SQL on a connection of MikroORM's pool, with BEGIN/COMMIT sent by hand: the ORM's
 * `transactional` (an entity manager fork, AsyncLocalStorage and the query builder on every statement) cost
 * more CPU than the statements themselves (docs/performance.md). MikroORM still owns the pool, the
 * configuration, the schema and the migrations.
 */
export const mikroOrmUnitOfWork = (orm: MikroORM, onStatements?: StatementCounter): UnitOfWork => {
  const pool = orm.em.getKnex().client as unknown as Pool

  const withConnection = async <A>(body: (connection: PooledConnection, sql: Sql) => Promise<A>): Promise<A> => {
    let connection: PooledConnection
    try {
      connection = await pool.acquireConnection()
    } catch (error) {
      throw isConnectionFailure(error) ? new StoreUnavailable((error as Error).message) : error
    }
    const sql = new Sql(connection)
    try {
      return await body(connection, sql)
    } catch (error) {
      if (isConnectionFailure(error)) {
        connection.__knex__disposed = error
        throw new StoreUnavailable((error as Error).message)
      }
      throw error
    } finally {
      onStatements?.(sql.statements)
      await pool.releaseConnection(connection)
    }
  }

  return {
    run: (work) =>
      withConnection(async (connection, sql) => {
        await connection.query({ text: 'begin' })
        let result
        try {
          result = await work(pgStores(sql))
        } catch (error) {
          await rollback(connection)
          throw error
        }
        if (E.isLeft(result)) await rollback(connection)
        else await connection.query({ text: 'commit' })
        return result
      }),
    read: (work) => withConnection((_connection, sql) => work(pgStores(sql))),
  }
}

/** A failed rollback means a broken connection: the pool must not hand it out again. */
const rollback = async (connection: PooledConnection): Promise<void> => {
  try {
    await connection.query({ text: 'rollback' })
  } catch (error) {
    connection.__knex__disposed = error
  }
}
