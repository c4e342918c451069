// `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database in TASKPORT_DATA_DIR.
import { openTaskportDatabase } from './database.js'

const db = await openTaskportDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.TASKPORT_DATA_DIR })
console.log(`migrations applied (${db.embedded ? 'embedded PostgreSQL in TASKPORT_DATA_DIR' : 'DATABASE_URL'})`)
await db.close()
