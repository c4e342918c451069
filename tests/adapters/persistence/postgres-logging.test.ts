// knex's and MikroORM's own warnings go to the logger given to openDatabase (the server's pino), as structured
// entries tagged with their source, instead of plain console lines.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../../src/adapters/persistence/mikro-orm/index.js'
import { freshDatabase } from '../../support/postgres.js'

interface Entry {
  readonly level: 'warn' | 'error'
  readonly fields: object
  readonly message: string
}

test('a broken pooled connection: knex\'s warning reaches the logger as { source: "knex" }, nothing on the console', async () => {
  const database = await freshDatabase()
  const entries: Entry[] = []
  const db = await openDatabase(database.url, {
    logger: { warn: (fields, message) => entries.push({ level: 'warn', fields, message }), error: (fields, message) => entries.push({ level: 'error', fields, message }) },
  })
  const printed: string[] = []
  const log = console.log
  console.log = (...args: unknown[]) => void printed.push(args.map(String).join(' '))
  try {
    const client = db.orm.em.getKnex().client as unknown as {
      acquireConnection(): Promise<{ __knex__disposed?: unknown }>
      releaseConnection(connection: unknown): Promise<void>
    }
    // What the unit of work does with a connection whose server went away: mark it, give it back.
    const connection = await client.acquireConnection()
    connection.__knex__disposed = new Error('the server closed the connection')
    await client.releaseConnection(connection)
    // The pool validates it on the next acquire, warns, and opens a new one: the database still answers.
    assert.is(await db.ping(), true)
  } finally {
    console.log = log
    await db.close()
    await database.drop()
  }
  assert.equal(entries, [{ level: 'warn', fields: { source: 'knex' }, message: 'Connection Error: Error: the server closed the connection' }])
  assert.equal(printed, [])
})

test.run()
