// MikroORM options for taskport's schema: the entity mappings and the migrations, listed explicitly so that
// they load the same way from src (tsx), from dist and from a consumer's node_modules.
import { Migrator } from '@mikro-orm/migrations'
import { defineConfig, type Options } from '@mikro-orm/postgresql'
import { ENTITY_SCHEMAS } from './schema.js'
import { Migration20261123042926 } from './migrations/Migration20261123042926.js'
import { Migration20261123111850 } from './migrations/Migration20261123111850.js'

export const MIGRATIONS = [
  { name: 'Migration20261123042926', class: Migration20261123042926 },
  // Integrations (sealed vendor credentials), webhook deliveries, Asana links.
  { name: 'Migration20261123111850', class: Migration20261123111850 },
]

export const mikroOrmOptions = (clientUrl: string, overrides: Partial<Options> = {}): Options =>
  defineConfig({
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
    pool: { min: 0, max: 10 },
    ...overrides,
  })
