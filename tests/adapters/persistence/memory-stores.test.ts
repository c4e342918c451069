import { MemoryDb, memoryUnitOfWork } from '../../../src/adapters/persistence/memory/index.js'
import { storeContract } from './store-contract.js'

storeContract('memory', async () => ({ uow: memoryUnitOfWork(new MemoryDb()), close: async () => undefined }))
