// Migrations as a release step: `taskport migrate` applies them, and an instance started with
// TASKPORT_MIGRATE=false changes no schema. It refuses to serve (exit 1, one line naming the pending migrations
// and `taskport migrate`) until the release step has run, and serves once it has. Real processes, real PostgreSQL.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MikroORM } from '@mikro-orm/postgresql'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { MIGRATIONS, mikroOrmOptions } from '../../src/adapters/persistence/mikro-orm/config.js'
import { migrationState, openDatabase, SchemaBehind } from '../../src/adapters/persistence/mikro-orm/index.js'
import { emptyDatabase, freshDatabase } from '../support/postgres.js'
import { freePort, run, stopProcess, waitFor, type Process } from '../support/processes.js'

const NAMES = MIGRATIONS.map((m) => m.name)

/** `src/main/start.ts` in development mode (its own signing key in `dataDir`) on `databaseUrl`. */
const serve = (databaseUrl: string, dataDir: string, env: Record<string, string>): Process =>
  run(process.execPath, ['--import', 'tsx', 'src/main/start.ts'], { DATABASE_URL: databaseUrl, TASKPORT_DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env })

/** The exit code; a process still running after 60 s is killed (and the test then fails on its code). */
const exitCode = (proc: Process): Promise<number | null> => {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return Promise.resolve(proc.child.exitCode)
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), 60_000)
    proc.child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}

/** true when something accepts TCP connections on 127.0.0.1:`port`. */
const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

const onDatabase = async <T>(url: string, work: (execute: (sql: string) => Promise<any[]>) => Promise<T>): Promise<T> => {
  const orm = await MikroORM.init(mikroOrmOptions(url, { pool: { min: 0, max: 1 } }))
  try {
    return await work((sql) => orm.em.getConnection().execute(sql))
  } finally {
    await orm.close(true)
  }
}

test('TASKPORT_MIGRATE=false on an empty database: exit 1, one line naming every pending migration and `taskport migrate`, nothing listened, no table created', async () => {
  const database = await emptyDatabase()
  const dataDir = mkdtempSync(join(tmpdir(), 'taskport-release-'))
  const port = await freePort()
  const proc = serve(database.url, dataDir, { PORT: String(port), TASKPORT_MIGRATE: 'false' })
  try {
    assert.is(await exitCode(proc), 1, proc.output)
    const lines = proc.output.split('\n').filter((line) => line.includes('schema is behind'))
    assert.is(lines.length, 1, proc.output)
    const line = JSON.parse(lines[0] ?? '{}') as { level: number; msg: string; err: { type: string; message: string; pending: string[] } }
    assert.is(line.level, 60, 'logged as fatal')
    assert.is(line.err.type, 'SchemaBehind')
    assert.equal(line.err.pending, NAMES)
    assert.is(
      line.err.message,
      `database schema is behind: ${NAMES.length} pending migrations (${NAMES.join(', ')}); run \`taskport migrate\` (or \`npm run migrate\`) against this database first, then start taskport`,
    )
    assert.not.match(proc.output, 'taskport listening')
    assert.not.ok(await listening(port), `nothing listens on ${port}`)
    await onDatabase(database.url, async (execute) => {
      const tables = await execute(`select table_name from information_schema.tables where table_schema = 'public'`)
      assert.equal(tables, [], 'not even mikro_orm_migrations was created')
    })
  } finally {
    await stopProcess(proc)
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('`taskport migrate` as the release step, then TASKPORT_MIGRATE=false: ready and serving, and no migration ran at start', async () => {
  const database = await emptyDatabase()
  const dataDir = mkdtempSync(join(tmpdir(), 'taskport-release-'))
  let proc: Process | undefined
  try {
    const migrate = spawnSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'migrate'], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: database.url } })
    assert.is(migrate.status, 0, migrate.stderr)
    assert.match(migrate.stdout, 'migrations applied (DATABASE_URL)')
    const applied = await onDatabase(database.url, (execute) => execute('select id, name from mikro_orm_migrations order by id'))
    assert.equal(applied.map((row: { name: string }) => row.name), NAMES)

    proc = serve(database.url, dataDir, { PORT: '0', TASKPORT_MIGRATE: 'false' })
    const url = (await waitFor(proc, /"url":"(http:[^"]+)"/, 'taskport'))[1] ?? ''
    const token = (await waitFor(proc, /Bearer token[^\n]*\n\n(\S+)/, 'the development token'))[1] ?? ''
    const ready = await fetch(`${url}/health/ready`)
    assert.is(ready.status, 200)
    assert.equal(await ready.json(), { status: 'ready', database: 'ok' })
    const projects = await fetch(`${url}/api/projects`, { headers: { authorization: `Bearer ${token}` } })
    assert.is(projects.status, 200)
    assert.equal(((await projects.json()) as { items: Array<{ slug: string }> }).items.map((p) => p.slug), ['default-dev'])
    assert.not.match(proc.output, 'schema is behind')
    assert.equal(await onDatabase(database.url, (execute) => execute('select id, name from mikro_orm_migrations order by id')), applied, 'the start recorded nothing')
    await stopProcess(proc)
    assert.is(proc.child.exitCode, 0, proc.output)
  } finally {
    await stopProcess(proc)
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('migrationState: a deleted migration row is exactly the one pending; openDatabase({ migrate: false }) refuses with it and changes nothing', async () => {
  const database = await freshDatabase()
  const missing = NAMES[1] ?? ''
  try {
    const orm = await MikroORM.init(mikroOrmOptions(database.url, { pool: { min: 0, max: 1 } }))
    try {
      assert.equal(await migrationState(orm), { pending: [], unknown: [] })
      await orm.em.getConnection().execute('delete from mikro_orm_migrations where name = ?', [missing])
      assert.equal(await migrationState(orm), { pending: [missing], unknown: [] })
    } finally {
      await orm.close(true)
    }
    const refused = await openDatabase(database.url, { migrate: false }).then(
      () => assert.unreachable('a database behind must be refused'),
      (error: unknown) => error,
    )
    assert.instance(refused, SchemaBehind)
    assert.equal((refused as SchemaBehind).pending, [missing])
    assert.match((refused as SchemaBehind).message, `1 pending migration (${missing}); run \`taskport migrate\``)
    const rows = await onDatabase(database.url, (execute) => execute('select name from mikro_orm_migrations'))
    assert.not.ok(rows.some((row: { name: string }) => row.name === missing), 'migrate: false applied nothing')
  } finally {
    await database.drop()
  }
})

test('migrationState: a name recorded with its .ts suffix counts as applied; a migration taskport does not know opens with a warning', async () => {
  const database = await freshDatabase()
  const first = NAMES[0] ?? ''
  try {
    await onDatabase(database.url, async (execute) => {
      await execute(`update mikro_orm_migrations set name = '${first}.ts' where name = '${first}'`)
      await execute(`insert into mikro_orm_migrations (name) values ('Migration29991231000000')`)
    })
    const warnings: Array<{ fields: object; message: string }> = []
    const db = await openDatabase(database.url, { migrate: false, logger: { warn: (fields, message) => warnings.push({ fields, message }), error: () => undefined } })
    try {
      assert.equal(await migrationState(db.orm), { pending: [], unknown: ['Migration29991231000000'] })
      assert.ok(await db.ping())
      const mine = warnings.filter((w) => w.message.includes('does not know'))
      assert.equal(mine.map((w) => w.fields), [{ source: 'taskport', unknownMigrations: ['Migration29991231000000'] }])
    } finally {
      await db.close()
    }
  } finally {
    await database.drop()
  }
})

test('TASKPORT_MIGRATE=maybe stops the start with exit code 78 and names the variable', () => {
  const refused = spawnSync(process.execPath, ['--import', 'tsx', 'src/main/start.ts'], { encoding: 'utf8', env: { ...process.env, TASKPORT_MIGRATE: 'maybe' } })
  assert.is(refused.status, 78)
  assert.match(refused.stderr, 'TASKPORT_MIGRATE: must be true or false')
})

test.run()
