// Entry point `taskport/mikro-orm`: the PostgreSQL adapters of every store port, the unit of work, the schema
// and its migrations, and the embedded PostgreSQL for development and tests.
import { MikroORM } from '@mikro-orm/postgresql'
import { databaseLogging, mikroOrmOptions, type DatabaseLogger } from './config.js'
import { mikroOrmUnitOfWork, type StatementCounter } from './unit-of-work.js'

export { databaseLogging, mikroOrmOptions, MIGRATIONS, type DatabaseLogger } from './config.js'
export { ENTITY_SCHEMAS } from './schema.js'
export { mikroOrmUnitOfWork, pgStores, type StatementCounter } from './unit-of-work.js'
export { Sql } from './sql.js'

/**
 * The key of the PostgreSQL advisory lock that serialises migrations (an arbitrary constant; advisory locks are
 * scoped to one database). MikroORM's migrator takes no lock of its own: two instances starting together on an
 * empty database would both create `mikro_orm_migrations` and run the same migration, and one would crash.
 */
export const MIGRATION_LOCK_KEY = 7_261_123_042_926

/** The pg client under a knex pool connection: all the lock needs (knex marks a broken one as disposed). */
interface PgConnection {
  query(sql: string): Promise<unknown>
  __knex__disposed?: unknown
}

/**
 * Applies pending migrations while holding the migration lock on a connection of its own, so that another
 * process waits, then finds nothing pending. A session lock (not a transaction one) so that a managed server's
 * `idle_in_transaction_session_timeout` cannot end it during a long migration; it also ends with the session if
 * the process dies.
 */
export const migrateUnderLock = async (orm: MikroORM): Promise<void> => {
  const client = orm.em.getKnex().client
  const connection = (await client.acquireConnection()) as PgConnection
  try {
    await connection.query(`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`)
    await orm.getMigrator().up()
  } finally {
    // If the unlock fails the session may still hold the lock: the pool then closes the connection (which ends
    // the session and its locks) instead of handing it out again.
    await connection.query(`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch((error: unknown) => {
      connection.__knex__disposed = error
    })
    await client.releaseConnection(connection)
  }
}

/** Opens MikroORM on `clientUrl` and applies pending migrations (one process at a time, see `migrateUnderLock`). */
export const openDatabase = async (clientUrl: string, options: { onStatements?: StatementCounter; debug?: boolean; logger?: DatabaseLogger } = {}) => {
  const orm = await MikroORM.init(mikroOrmOptions(clientUrl, { debug: options.debug ?? false, ...(options.logger ? databaseLogging(options.logger) : {}) }))
  try {
    await migrateUnderLock(orm)
  } catch (error) {
    await orm.close(true)
    throw error
  }
  const ping = async (): Promise<boolean> => {
    try {
      await orm.em.getConnection().execute('select 1')
      return true
    } catch {
      return false
    }
  }
  return { orm, uow: mikroOrmUnitOfWork(orm, options.onStatements), ping, close: () => orm.close(true) }
}
