// SIGTERM under load, on the process `npm start` runs: 50 requests that the server has accepted (it answered
// their `Expect: 100-continue`) are still in flight when the signal arrives, since their bodies are sent only
// after it. Each must get its complete 2xx answer, new connections must be refused once the server is closing,
// and the process must exit 0 after closing the database.
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MikroORM } from '@mikro-orm/postgresql'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mikroOrmOptions } from '../../src/adapters/persistence/mikro-orm/config.js'
import { freshDatabase } from '../support/postgres.js'

const IN_FLIGHT = 50
const BOUND_MS = 30_000

interface Pending {
  /** Resolves when the server has read the headers and asked for the body (100 Continue). */
  readonly accepted: Promise<void>
  /** Sends the body; resolves with the complete answer. */
  send(): Promise<{ status: number; body: any }>
}

/** A POST whose body waits for the server's 100 Continue and then for `send()`. */
const post = (url: string, token: string, body: unknown): Pending => {
  const payload = JSON.stringify(body)
  const req = request(url, {
    method: 'POST',
    agent: false,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), expect: '100-continue' },
    timeout: BOUND_MS,
  })
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error('timed out')))
  })
  answer.catch(() => undefined) // observed through send()
  const accepted = new Promise<void>((resolve, reject) => {
    req.on('continue', () => resolve())
    req.on('error', reject)
  })
  req.flushHeaders()
  return { accepted, send: () => { req.end(payload); return answer } }
}

const waitFor = async (what: string, condition: () => boolean) => {
  const deadline = Date.now() + BOUND_MS
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

test('SIGTERM with 50 accepted requests in flight: all answered 2xx, new connections refused, exit 0', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskport-sigterm-load-'))
  const database = await freshDatabase()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/start.ts'], {
    env: { ...process.env, PORT: '0', DATABASE_URL: database.url, TASKPORT_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  let errors = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr.on('data', (c: Buffer) => (errors += c.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  try {
    await waitFor(`the server to start: ${output}${errors}`, () => /"url":"http:[^"]+"/.test(output) && /Bearer token[^\n]*\n\n\S+/.test(output))
    const url = /"url":"(http:[^"]+)"/.exec(output)?.[1] ?? ''
    const token = /Bearer token[^\n]*\n\n(\S+)/.exec(output)?.[1] ?? ''
    const project = await fetch(`${url}/api/projects`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ slug: 'sigterm', name: 'SIGTERM', key: 'ST' }),
    })
    assert.is(project.status, 201)
    const pid = ((await project.json()) as { id: number }).id

    // 50 requests accepted by the server (authenticated, waiting for their bodies), then the signal.
    const pending = Array.from({ length: IN_FLIGHT }, (_, i) => post(`${url}/api/projects/${pid}/tasks`, token, { title: `in flight ${i}` }))
    await Promise.all(pending.map((p) => p.accepted))
    child.kill('SIGTERM')
    await waitFor('the shutdown to begin', () => output.includes('shutting down: finishing in-flight requests'))

    // The listening socket is closed: a new connection is refused while the accepted requests are still open.
    const late = await fetch(`${url}/health`, { signal: AbortSignal.timeout(BOUND_MS) }).then((r) => `answered ${r.status}`, (e: Error) => String((e.cause as { code?: string } | undefined)?.code ?? e.message))
    assert.is(late, 'ECONNREFUSED')
    assert.is(child.exitCode, null, 'the process waits for the accepted requests')

    const answers = await Promise.all(pending.map((p) => p.send()))
    assert.equal(answers.map((a) => a.status), Array.from({ length: IN_FLIGHT }, () => 201), JSON.stringify(answers.filter((a) => a.status !== 201)))
    assert.equal(answers.map((a) => a.body.number).sort((a, b) => a - b), Array.from({ length: IN_FLIGHT }, (_, i) => i + 1))

    let timer: NodeJS.Timeout | undefined
    const code = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r('still running'), BOUND_MS)))])
    clearTimeout(timer)
    assert.is(code, 0, errors)
    assert.match(output, '"msg":"stopped"')
    // Everything answered was committed, each with its audit entry.
    const orm = await MikroORM.init(mikroOrmOptions(database.url))
    try {
      const [row] = (await orm.em.getConnection().execute(
        `select count(*)::int as tasks, (select count(*)::int from audit_log where entity_type = 'task' and action = 'created') as audits from tasks where project_id = ?`, [pid])) as Array<{ tasks: number; audits: number }>
      assert.equal(row, { tasks: IN_FLIGHT, audits: IN_FLIGHT })
    } finally {
      await orm.close(true)
    }
  } finally {
    child.kill('SIGKILL')
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test.run()
