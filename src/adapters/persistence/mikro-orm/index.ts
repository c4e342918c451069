// Entry point `taskport/mikro-orm`: the PostgreSQL adapters of every store port, the unit of work, the schema
// and its migrations, and the embedded PostgreSQL for development and tests.
import { MikroORM } from '@mikro-orm/postgresql'
import { mikroOrmOptions } from './config.js'
import { mikroOrmUnitOfWork, type StatementCounter } from './unit-of-work.js'

export { mikroOrmOptions, MIGRATIONS } from './config.js'
export { ENTITY_SCHEMAS } from './schema.js'
export { mikroOrmUnitOfWork, pgStores, type StatementCounter } from './unit-of-work.js'
export { Sql } from './sql.js'

/** Opens MikroORM on `clientUrl` and applies pending migrations. */
export const openDatabase = async (clientUrl: string, options: { onStatements?: StatementCounter; debug?: boolean } = {}) => {
  const orm = await MikroORM.init(mikroOrmOptions(clientUrl, { debug: options.debug ?? false }))
  await orm.getMigrator().up()
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
