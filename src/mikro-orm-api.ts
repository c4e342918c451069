// The implementation of `taskport/mikro-orm` (src/mikro-orm.ts loads it once its peers are known to be installed), and the
// declarations TypeScript sees for that entry point (package.json `types`).
export type { DatabaseLogger } from './adapters/persistence/mikro-orm/index.js'
export {
  ENTITY_SCHEMAS, MIGRATIONS, MIGRATION_LOCK_KEY, migrateUnderLock, migrationState, mikroOrmOptions, mikroOrmUnitOfWork, SchemaBehind, type MigrationState, type StatementCounter,
} from './adapters/persistence/mikro-orm/index.js'
export { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedPostgresOptions, type RunningPostgres } from './adapters/persistence/embedded/embedded-postgres.js'
export { openTaskportDatabase, type DatabaseOptions, type TaskportDatabase } from './main/database.js'
