// Entry point `taskport/mikro-orm`: PostgreSQL persistence through MikroORM 6 (stores, unit of work, schema,
// migrations), the embedded PostgreSQL, and `openTaskportDatabase` (DATABASE_URL or the embedded server).
export * from './adapters/persistence/mikro-orm/index.js'
export { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedPostgresOptions, type RunningPostgres } from './adapters/persistence/embedded/embedded-postgres.js'
export { openTaskportDatabase, type DatabaseOptions, type TaskportDatabase } from './main/database.js'
