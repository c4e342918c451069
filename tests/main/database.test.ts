// The embedded database of `npm start`: data kept across restarts, and a server left behind by a killed
// process is recovered on the next start.
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { nodeTokenSecrets, randomIds, systemClock } from '../../src/adapters/system/index.js'
import { createTaskport } from '../../src/main/create-taskport.js'
import { openTaskportDatabase } from '../../src/main/database.js'
import { right } from '../support/app-fixture.js'

const taskportOn = (uow: Parameters<typeof createTaskport>[0]['uow']) =>
  createTaskport({ uow, clock: systemClock, ids: randomIds, secrets: nodeTokenSecrets })

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test('the embedded database keeps its data across restarts and recovers a server left by a killed process', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskport-datadir-')) // mode 700
  try {
    if (process.getuid?.() === 0) {
      // As root the server runs as the postgres user, which cannot enter a mode-700 folder: a clear refusal.
      await openTaskportDatabase({ dataDir }).then(
        () => assert.unreachable('a data folder the server cannot reach must be refused'),
        (error: Error) => assert.match(error.message, 'is not reachable by the postgres system user'),
      )
    }
    chmodSync(dataDir, 0o755)
    const first = await openTaskportDatabase({ dataDir })
    assert.ok(first.embedded)
    const alice = right(await taskportOn(first.uow).identify({ kind: 'user', userId: 'sso|alice', email: 'alice@example.com' }))
    right(await taskportOn(first.uow).projects.create(alice, { slug: 'kept', name: 'Kept' }))
    await first.close()
    assert.not.ok(existsSync(join(dataDir, 'postgres', 'postmaster.pid')), 'a clean stop removes the pid file')

    // A process that opens the database and is then killed with SIGKILL leaves its server running.
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
      import { openTaskportDatabase } from ${JSON.stringify(join(process.cwd(), 'src/main/database.ts'))}
      await openTaskportDatabase({ dataDir: ${JSON.stringify(dataDir)} })
      console.log('ready')
      setInterval(() => {}, 1000)
    `], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve())
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)))
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const stalePid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0])
    assert.ok(alive(stalePid), 'the killed process left its PostgreSQL running')

    const second = await openTaskportDatabase({ dataDir })
    try {
      assert.not.ok(alive(stalePid), 'the stale server was stopped')
      const again = right(await taskportOn(second.uow).identify({ kind: 'user', userId: 'sso|alice', email: 'alice@example.com' }))
      const slugs = right(await taskportOn(second.uow).projects.list(again, {})).items.map((p) => p.project.slug).sort()
      assert.equal(slugs, ['default-alice', 'kept'])
    } finally {
      await second.close()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test.run()
