import * as E from 'fp-ts/lib/Either.js'
import type { Stores, UnitOfWork } from '../../../application/index.js'
import type { MemoryDb, Tables } from './memory-db.js'
import { memoryAuditLog } from './memory-audit-log.js'
import { memoryLinkStore } from './memory-link-store.js'
import { memoryMemberStore } from './memory-member-store.js'
import { memoryProjectStore } from './memory-project-store.js'
import { memoryTaskStore } from './memory-task-store.js'
import { memoryIntegrationStore } from './memory-integration-store.js'
import { memoryTokenStore } from './memory-token-store.js'
import { memoryWorkerStore } from './memory-worker-store.js'

export const memoryStores = (db: MemoryDb, tables: Tables): Stores => ({
  projects: memoryProjectStore(tables, db.sequences),
  workers: memoryWorkerStore(tables, db.sequences),
  members: memoryMemberStore(tables),
  tasks: memoryTaskStore(tables, db.sequences),
  links: memoryLinkStore(tables, db.sequences),
  tokens: memoryTokenStore(tables),
  integrations: memoryIntegrationStore(tables),
  audit: memoryAuditLog(tables, db.sequences),
})

/** Serializable transactions: one at a time, committed on Right, rolled back on Left or on a throw. */
export const memoryUnitOfWork = (db: MemoryDb): UnitOfWork => ({
  run: (work) => db.transaction((tables) => work(memoryStores(db, tables)), E.isRight),
})
