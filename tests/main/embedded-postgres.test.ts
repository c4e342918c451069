// The embedded server starts for a normal user as well as for root (which runs it as the postgres user).
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const launcher = join(process.cwd(), 'src/adapters/persistence/embedded/embedded-postgres.ts')

test('a normal (non-root) user starts and stops the embedded PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'taskport-user-'))
  chmodSync(dir, 0o777)
  const script = join(dir, 'start.mjs')
  writeFileSync(script, `
    const { startEmbeddedPostgres } = await import(${JSON.stringify(launcher)})
    const pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(join(dir, 'data'))}, persistent: false, fast: true })
    console.log(JSON.stringify({ uid: process.getuid(), port: pg.port }))
    await pg.stop()
  `)
  try {
    // As root, the check runs as the unprivileged `nobody`; as a normal user, as that user.
    const asRoot = process.getuid?.() === 0
    const command = asRoot ? 'runuser' : process.execPath
    const args = [...(asRoot ? ['-u', 'nobody', '--', process.execPath] : []), '--import', 'tsx', script]
    const run = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 })
    assert.is(run.status, 0, run.stderr)
    const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { uid: number; port: number }
    assert.ok(report.uid !== 0, 'ran as a normal user')
    assert.ok(report.port > 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
