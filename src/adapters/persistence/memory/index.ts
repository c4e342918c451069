// In-memory adapters for every port: for tests, examples and embedding without a database.
import { ephemeralCipher, nodeTokenSecrets, randomIds, systemClock } from '../../system/index.js'
import type { Deps } from '../../../application/index.js'
import { MemoryDb } from './memory-db.js'
import { memoryUnitOfWork } from './memory-unit-of-work.js'

export { MemoryDb, emptyTables, type Tables } from './memory-db.js'
export { memoryStores, memoryUnitOfWork } from './memory-unit-of-work.js'

/** Everything in memory: credentials are sealed with a key that lives as long as the process, like the data. */
export interface InMemoryAdapters extends Deps {
  /** The database behind `uow`, to inspect committed state in tests. */
  readonly db: MemoryDb
}

/** Every port of the application, in memory; override any of them (a fixed clock, say) with a spread. */
export const inMemoryAdapters = (): InMemoryAdapters => {
  const db = new MemoryDb()
  return { db, uow: memoryUnitOfWork(db), clock: systemClock, ids: randomIds, secrets: nodeTokenSecrets, cipher: ephemeralCipher() }
}
