// Entry point `taskport/mikro-orm`: the PostgreSQL adapters of every store port, the unit of work, the schema
// and its migrations, and the embedded PostgreSQL for development and tests.
import { MikroORM } from '@mikro-orm/postgresql'
import { databaseLogging, MIGRATIONS, mikroOrmOptions, type DatabaseLogger } from './config.js'
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

/**
 * Where MikroORM records applied migrations, as its migrator computes it: `migrations.tableName` (optionally
 * `schema.table`), in the configured schema or the platform's default (`public`).
 */
const migrationsTable = (orm: MikroORM): { schema: string; table: string } => {
  const parts = (orm.config.get('migrations').tableName ?? 'mikro_orm_migrations').split('.')
  const table = parts.at(-1) ?? 'mikro_orm_migrations'
  const schema = parts.length > 1 ? (parts[0] ?? '') : (orm.config.get('schema') ?? orm.em.getPlatform().getDefaultSchemaName() ?? 'public')
  return { schema, table }
}

/** MikroORM 6 records a migration by its name without extension; rows written by older versions may keep `.ts`/`.js`. */
const withoutExtension = (name: string): string => name.replace(/\.[jt]s$/, '')

export interface MigrationState {
  /** taskport's migrations (`MIGRATIONS`, in order) that the database has not recorded. */
  readonly pending: readonly string[]
  /** Recorded migrations that `MIGRATIONS` does not list: a newer taskport (or the host's own) migrated this database. */
  readonly unknown: readonly string[]
}

/**
 * Compares `MIGRATIONS` with the rows of `mikro_orm_migrations`, read-only: unlike the migrator's
 * `getPendingMigrations()`, it creates neither the database nor the table, so it needs no DDL rights. A
 * database without the table has every migration pending.
 */
export const migrationState = async (orm: MikroORM): Promise<MigrationState> => {
  const connection = orm.em.getConnection()
  const { schema, table } = migrationsTable(orm)
  const [found] = await connection.execute<Array<{ present: boolean }>>('select to_regclass(format(\'%I.%I\', ?::text, ?::text)) is not null as present', [schema, table])
  const rows = found?.present ? await connection.execute<Array<{ name: string }>>(orm.em.getKnex().select('name').from(table).withSchema(schema)) : []
  const recorded = new Set(rows.map((row) => withoutExtension(row.name)))
  const known = new Set(MIGRATIONS.map((m) => withoutExtension(m.name)))
  return {
    pending: MIGRATIONS.map((m) => withoutExtension(m.name)).filter((name) => !recorded.has(name)),
    unknown: [...recorded].filter((name) => !known.has(name)),
  }
}

/** `openDatabase(url, { migrate: false })` on a database that lacks migrations this version of taskport needs. */
export class SchemaBehind extends Error {
  override name = 'SchemaBehind'
  constructor(readonly pending: readonly string[]) {
    super(`database schema is behind: ${pending.length} pending migration${pending.length === 1 ? '' : 's'} (${pending.join(', ')}); run \`taskport migrate\` (or \`npm run migrate\`) against this database first, then start taskport`)
    // An expected refusal, not a bug: the frames would only bury the message in the log line.
    this.stack = `${this.name}: ${this.message}`
  }
}

export interface OpenDatabaseOptions {
  readonly onStatements?: StatementCounter
  readonly debug?: boolean
  readonly logger?: DatabaseLogger
  /**
   * true (default): apply pending migrations (one process at a time, see `migrateUnderLock`). false: change
   * nothing and check instead: `SchemaBehind` when a migration of `MIGRATIONS` is not recorded; recorded ones
   * that taskport does not know (a newer version migrated) are only a warning, since migrations are additive.
   */
  readonly migrate?: boolean
}

/** Opens MikroORM on `clientUrl` and applies pending migrations, or with `migrate: false` checks that none is pending. */
export const openDatabase = async (clientUrl: string, options: OpenDatabaseOptions = {}) => {
  const orm = await MikroORM.init(mikroOrmOptions(clientUrl, { debug: options.debug ?? false, ...(options.logger ? databaseLogging(options.logger) : {}) }))
  try {
    if (options.migrate ?? true) {
      await migrateUnderLock(orm)
    } else {
      const state = await migrationState(orm)
      if (state.pending.length > 0) throw new SchemaBehind(state.pending)
      if (state.unknown.length > 0) {
        const message = `database has migrations this version of taskport does not know (${state.unknown.join(', ')}), probably applied by a newer version; opening it anyway, since migrations only add`
        if (options.logger) options.logger.warn({ source: 'taskport', unknownMigrations: state.unknown }, message)
        else console.warn(`taskport: ${message}`)
      }
    }
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
