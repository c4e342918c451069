// Where taskport keeps its data: the PostgreSQL server of DATABASE_URL, or else an embedded PostgreSQL whose
// files live in TASKPORT_DATA_DIR (default ./.taskport), reused on the next start, stopped on close.
import { join, resolve } from 'node:path'
import type { UnitOfWork } from '../application/index.js'
import { openDatabase, type DatabaseLogger, type StatementCounter } from '../adapters/persistence/mikro-orm/index.js'

export interface DatabaseOptions {
  /** `postgres://…` of a real server; unset: the embedded server. */
  readonly databaseUrl?: string
  /** Folder of the embedded server's files (default `./.taskport`). */
  readonly dataDir?: string
  readonly onLog?: (line: string) => void
  readonly onStatements?: StatementCounter
  /** knex's and MikroORM's warnings (a lost connection, a deprecation), as structured entries; default: their console lines. */
  readonly logger?: DatabaseLogger
  /**
   * true (default): apply pending migrations first. false (`TASKPORT_MIGRATE=false`, migrations run as a release
   * step by `taskport migrate`): change nothing, and refuse with `SchemaBehind` (the pending migrations) when a
   * migration is missing; migrations recorded that this version does not know are logged as a warning.
   */
  readonly migrate?: boolean
}

export interface TaskportDatabase {
  readonly uow: UnitOfWork
  /** The URL in use (the embedded server's when DATABASE_URL is unset). */
  readonly url: string
  readonly embedded: boolean
  /** true when the database answers a trivial query. */
  ping(): Promise<boolean>
  close(): Promise<void>
}

/** Opens the database, applying pending migrations first (or, with `migrate: false`, checking that none is pending). */
export const openTaskportDatabase = async (options: DatabaseOptions = {}): Promise<TaskportDatabase> => {
  const opening = { onStatements: options.onStatements, migrate: options.migrate ?? true, ...(options.logger ? { logger: options.logger } : {}) }
  if (options.databaseUrl) {
    const db = await openDatabase(options.databaseUrl, opening)
    return { uow: db.uow, url: options.databaseUrl, embedded: false, ping: db.ping, close: db.close }
  }
  // Loaded only here: a host that brings its own database never loads (or needs) the embedded binaries.
  const { startEmbeddedPostgres } = await import('../adapters/persistence/embedded/embedded-postgres.js')
  const server = await startEmbeddedPostgres({
    dataDir: join(resolve(options.dataDir ?? '.taskport'), 'postgres'),
    persistent: true,
    onLog: options.onLog,
  })
  try {
    const db = await openDatabase(server.url, opening)
    return {
      uow: db.uow,
      url: server.url,
      embedded: true,
      ping: db.ping,
      close: async () => {
        await db.close()
        await server.stop()
      },
    }
  } catch (error) {
    await server.stop()
    throw error
  }
}
