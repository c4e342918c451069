// MikroORM options for taskport's schema: the entity mappings and the migrations, listed explicitly so that
// they load the same way from src (tsx), from dist and from a consumer's node_modules.
import { Migrator } from '@mikro-orm/migrations'
import { defineConfig, type MigrationObject, type Options } from '@mikro-orm/postgresql'
import { ENTITY_SCHEMAS } from './schema.js'
import { Migration20261123042926 } from './migrations/Migration20261123042926.js'
import { Migration20261123111850 } from './migrations/Migration20261123111850.js'
import { Migration20261202044444 } from './migrations/Migration20261202044444.js'
import { Migration20261202130000 } from './migrations/Migration20261202130000.js'

/** In order; give them to your own MikroORM's `migrations.migrationsList` to run taskport's with yours. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261123042926', class: Migration20261123042926 },
  // Integrations (sealed vendor credentials), webhook deliveries, Asana links.
  { name: 'Migration20261123111850', class: Migration20261123111850 },
  // Outgoing webhooks: endpoints, events, deliveries with their claim lease, attempts.
  { name: 'Migration20261202044444', class: Migration20261202044444 },
  // Idempotency keys.
  { name: 'Migration20261202130000', class: Migration20261202130000 },
]

/** How long opening one PostgreSQL connection may take. */
export const CONNECT_TIMEOUT_MS = 5_000
/** How long a unit of work waits for a connection of the pool. */
export const ACQUIRE_TIMEOUT_MS = 10_000

/** Where knex's and MikroORM's own warnings go (a pino logger fits): structured, instead of plain console lines. */
export interface DatabaseLogger {
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}

const plain = (message: unknown): string =>
  // eslint-disable-next-line no-control-regex
  (typeof message === 'string' ? message : message instanceof Error ? message.message : JSON.stringify(message) ?? String(message)).replace(/\u001b\[[0-9;]*m/g, '')

/** knex's `log` and MikroORM's `logger` options that send their lines to `logger`, tagged with their source. */
export const databaseLogging = (logger: DatabaseLogger): Partial<Options> => ({
  colors: false,
  logger: (message: string) => logger.warn({ source: 'mikro-orm' }, plain(message)),
  driverOptions: {
    log: {
      warn: (message: unknown) => logger.warn({ source: 'knex' }, plain(message)),
      error: (message: unknown) => logger.error({ source: 'knex' }, plain(message)),
      deprecate: (message: unknown) => logger.warn({ source: 'knex', deprecated: true }, plain(message)),
      debug: () => undefined,
    },
  },
})

/** taskport's options with `overrides` on top; `driverOptions` are merged, so that the connection timeout stays unless overridden. */
export const mikroOrmOptions = (clientUrl: string, overrides: Partial<Options> = {}): Options => {
  const { driverOptions, ...others } = overrides
  return defineConfig({
    clientUrl,
    entities: ENTITY_SCHEMAS,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: false },
    migrations: {
      migrationsList: MIGRATIONS,
      path: 'src/adapters/persistence/mikro-orm/migrations',
      emit: 'ts',
      snapshot: false,
      transactional: true,
      allOrNothing: true,
      silent: true,
    },
    // Bounded waits when the database cannot be reached: a new connection gives up after CONNECT_TIMEOUT_MS
    // (pg waits forever by default, e.g. for a host that accepts and never answers), and a request waits at
    // most ACQUIRE_TIMEOUT_MS for a connection of the pool (knex's default is 60 s). Either failure is a 503
    // with Retry-After (tests/adapters/http/faults.test.ts).
    pool: { min: 0, max: 10, acquireTimeoutMillis: ACQUIRE_TIMEOUT_MS },
    ...others,
    driverOptions: { ...driverOptions, connection: { connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...driverOptions?.connection } },
  })
}
