// A real PostgreSQL for the tests: DATABASE_URL when it is set (the role needs CREATEDB), otherwise an embedded
// server started once per test run on a free port with throw-away data. Each test gets a fresh database
// cloned from a template that the migrations built once.
import { readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MikroORM } from '@mikro-orm/postgresql'
import { startEmbeddedPostgres } from '../../src/adapters/persistence/embedded/embedded-postgres.js'
import { openDatabase } from '../../src/adapters/persistence/mikro-orm/index.js'

const withDatabase = (url: string, database: string): string => {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

let server: Promise<string> | undefined

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Data folders of earlier runs that could not clean up (a killed run, a server still writing at exit). */
const sweepEarlierRuns = (): void => {
  for (const entry of readdirSync(tmpdir())) {
    const pid = Number(/^taskport-test-(\d+)-/.exec(entry)?.[1])
    if (pid && pid !== process.pid && !alive(pid)) rmSync(join(tmpdir(), entry), { recursive: true, force: true })
  }
}

/** The server's admin URL (started on first use). */
export const testServerUrl = (): Promise<string> => {
  server ??= (async () => {
    if (process.env.DATABASE_URL) return process.env.DATABASE_URL
    sweepEarlierRuns()
    const dataDir = join(tmpdir(), `taskport-test-${process.pid}-${Date.now()}`, 'data')
    const pg = await startEmbeddedPostgres({ dataDir, persistent: false, fast: true })
    process.once('exit', () => {
      try {
        rmSync(join(dataDir, '..'), { recursive: true, force: true })
      } catch {
        // the server may still be writing its shutdown checkpoint; the next run sweeps the folder
      }
    })
    return pg.url
  })()
  return server
}

const admin = async <T>(work: (execute: (sql: string) => Promise<unknown>) => Promise<T>): Promise<T> => {
  const orm = await MikroORM.init({ clientUrl: await testServerUrl(), entities: [], discovery: { warnWhenNoEntities: false }, pool: { min: 0, max: 1 } })
  try {
    return await work((sql) => orm.em.getConnection().execute(sql))
  } finally {
    await orm.close(true)
  }
}

const run = `${process.pid}_${Date.now().toString(36)}`
let template: Promise<string> | undefined
let counter = 0

const templateDatabase = (): Promise<string> => {
  template ??= (async () => {
    const name = `taskport_template_${run}`
    await admin((execute) => execute(`create database "${name}"`))
    const db = await openDatabase(withDatabase(await testServerUrl(), name))
    await db.close()
    return name
  })()
  return template
}

export interface TestDatabase {
  readonly url: string
  drop(): Promise<void>
}

/** A new database with nothing in it, not even the migrations table (to test what a first start does). */
export const emptyDatabase = async (): Promise<TestDatabase> => {
  counter += 1
  const name = `taskport_empty_${run}_${counter}`
  await admin((execute) => execute(`create database "${name}"`))
  return {
    url: withDatabase(await testServerUrl(), name),
    drop: () => admin((execute) => execute(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  }
}

/** A new, migrated, empty database. */
export const freshDatabase = async (): Promise<TestDatabase> => {
  const source = await templateDatabase()
  counter += 1
  const name = `taskport_test_${run}_${counter}`
  await admin((execute) => execute(`create database "${name}" template "${source}"`))
  return {
    url: withDatabase(await testServerUrl(), name),
    drop: () => admin((execute) => execute(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  }
}
