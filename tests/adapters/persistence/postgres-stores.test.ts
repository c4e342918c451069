import { openDatabase } from '../../../src/adapters/persistence/mikro-orm/index.js'
import { freshDatabase } from '../../support/postgres.js'
import { storeContract } from './store-contract.js'

storeContract('postgres', async () => {
  const database = await freshDatabase()
  const db = await openDatabase(database.url)
  return {
    uow: db.uow,
    close: async () => {
      await db.close()
      await database.drop()
    },
  }
})
