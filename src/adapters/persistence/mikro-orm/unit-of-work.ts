// The unit of work on PostgreSQL: each run gets a connection of the pool and one transaction; a Left result or
// an exception rolls it back. A read gets a connection and no transaction. A run (or read) inside a run's work
// joins its transaction, as a savepoint.
import { AsyncLocalStorage } from 'node:async_hooks'
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
import { pgIdempotencyStore } from './idempotency-store.js'

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
  idempotency: pgIdempotencyStore(sql),
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

  const joined = new AsyncLocalStorage<Joined>()

  return {
    run: (work) => {
      const outer = joined.getStore()
      if (outer?.open) return savepoint(outer, work)
      return withConnection(async (connection, sql) => {
        await connection.query({ text: 'begin' })
        const context: Joined = { connection, sql, savepoints: 0, open: true }
        let result
        try {
          result = await joined.run(context, () => work(pgStores(sql)))
        } catch (error) {
          context.open = false
          await rollback(connection)
          throw error
        }
        context.open = false
        if (E.isLeft(result)) await rollback(connection)
        else await connection.query({ text: 'commit' })
        return result
      })
    },
    read: (work) => {
      const outer = joined.getStore()
      return outer?.open ? work(pgStores(outer.sql)) : withConnection((_connection, sql) => work(pgStores(sql)))
    },
  }
}

/**
 * The transaction a run's work is in. `open` turns false when it ends: an async task the work started (a timer,
 * a notification) keeps the context and must not use a finished transaction; its runs open their own.
 */
interface Joined {
  readonly connection: PooledConnection
  readonly sql: Sql
  savepoints: number
  open: boolean
}

/** A run inside a run: its work in a savepoint of the outer transaction, rolled back alone on Left or a throw. */
const savepoint = async <L, A>(outer: Joined, work: (stores: Stores) => Promise<E.Either<L, A>>): Promise<E.Either<L, A>> => {
  const name = `taskport_${(outer.savepoints += 1)}`
  await outer.connection.query({ text: `savepoint ${name}` })
  let result
  try {
    result = await work(pgStores(outer.sql))
  } catch (error) {
    // On a dead connection this fails too; the work's own error is the one to report.
    await outer.connection.query({ text: `rollback to savepoint ${name}` }).catch(() => undefined)
    throw error
  }
  await outer.connection.query({ text: E.isLeft(result) ? `rollback to savepoint ${name}` : `release savepoint ${name}` })
  return result
}

/** A failed rollback means a broken connection: the pool must not hand it out again. */
const rollback = async (connection: PooledConnection): Promise<void> => {
  try {
    await connection.query({ text: 'rollback' })
  } catch (error) {
    connection.__knex__disposed = error
  }
}
