// The service as `npm start` runs it, in-process: development mode with its own key, JWKS endpoint, the printed
// token, the CLI that mints more, and a clear exit on bad configuration.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { pino } from 'pino'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { MikroORM } from '@mikro-orm/postgresql'
import { mikroOrmOptions } from '../../src/adapters/persistence/mikro-orm/config.js'
import { aesGcmCipher } from '../../src/adapters/system/index.js'
import { decodeConfig } from '../../src/main/config.js'
import { startServer } from '../../src/main/server.js'
import { freshDatabase } from '../support/postgres.js'

const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { encoding: 'utf8', env: { ...process.env, ...env } })

test('development mode: the printed token works, the JWKS is served, the CLI mints tokens', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskport-server-'))
  const database = await freshDatabase()
  const config = decodeConfig({ PORT: '0', DATABASE_URL: database.url, TASKPORT_DATA_DIR: dataDir })
  if (E.isLeft(config)) throw new Error(config.left.join())
  const server = await startServer(config.right, pino({ level: 'silent' }))
  try {
    assert.type(server.devToken, 'string')
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ d?: string; kty: string }> }
    assert.is(jwks.keys.length, 1)
    assert.is(jwks.keys[0]?.d, undefined, 'the private part is never served')
    const mine = await fetch(`${server.url}/api/projects`, { headers: { authorization: `Bearer ${server.devToken}` } })
    assert.is(mine.status, 200)
    const minted = cli(['token', '--sub', 'alice', '--email', 'alice@example.com'], { TASKPORT_DATA_DIR: dataDir })
    assert.is(minted.status, 0, minted.stderr)
    const alice = await fetch(`${server.url}/api/projects`, { headers: { authorization: `Bearer ${minted.stdout.trim()}` } })
    const body = (await alice.json()) as { items: Array<{ slug: string }> }
    assert.equal(body.items.map((p) => p.slug), ['default-alice'])
    const refused = cli(['token', '--sub', 'alice'], { TASKPORT_DATA_DIR: dataDir, NODE_ENV: 'production' })
    assert.is(refused.status, 78)
    assert.match(refused.stderr, 'refused when NODE_ENV=production')

    // Integrations work in development: a credential key was generated into the data dir (mode 600).
    const projects = (await (await fetch(`${server.url}/api/projects`, { headers: { authorization: `Bearer ${server.devToken}` } })).json()) as { items: Array<{ id: number }> }
    const integration = await fetch(`${server.url}/api/projects/${projects.items[0]?.id}/integrations`, {
      method: 'POST', headers: { authorization: `Bearer ${server.devToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'linear', access_token: 'lin_dev', settings: { team_id: 'T' } }),
    })
    assert.is(integration.status, 201, await integration.clone().text())
    const keyFile = join(dataDir, 'keys', 'credential-key.hex')
    assert.is(statSync(keyFile).mode & 0o777, 0o600)
    assert.match(readFileSync(keyFile, 'utf8'), /^[0-9a-f]{64}$/)
  } finally {
    await server.close()
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('a configured TASKPORT_SECRET_KEY seals credentials: the key it names opens them, a wrong key cannot', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskport-key-'))
  const database = await freshDatabase()
  const key = randomBytes(32)
  const config = decodeConfig({ PORT: '0', DATABASE_URL: database.url, TASKPORT_DATA_DIR: dataDir, TASKPORT_SECRET_KEY: key.toString('hex') })
  if (E.isLeft(config)) throw new Error(config.left.join())
  const server = await startServer(config.right, pino({ level: 'silent' }))
  try {
    const projects = (await (await fetch(`${server.url}/api/projects`, { headers: { authorization: `Bearer ${server.devToken}` } })).json()) as { items: Array<{ id: number }> }
    const res = await fetch(`${server.url}/api/projects/${projects.items[0]?.id}/integrations`, {
      method: 'POST', headers: { authorization: `Bearer ${server.devToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'github', access_token: 'ghp_configured', settings: { owner: 'o', repo: 'r' } }),
    })
    assert.is(res.status, 201)
    const orm = await MikroORM.init(mikroOrmOptions(database.url))
    try {
      const [row] = (await orm.em.getConnection().execute('select access_token_sealed from integrations')) as Array<{ access_token_sealed: string }>
      assert.is(aesGcmCipher(key).open(row?.access_token_sealed ?? ''), 'ghp_configured')
      assert.throws(() => aesGcmCipher(randomBytes(32)).open(row?.access_token_sealed ?? ''))
    } finally {
      await orm.close()
    }
    assert.not.ok(existsSync(join(dataDir, 'keys', 'credential-key.hex')), 'no development key when one is configured')
  } finally {
    await server.close()
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('a bad configuration stops the start with exit code 78 and names the variable', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main/start.ts'], { encoding: 'utf8', env: { ...process.env, PORT: 'eighty' } })
  assert.is(run.status, 78)
  assert.match(run.stderr, 'PORT: "eighty" is not a port number')
})

test('SIGTERM: in-flight requests finish, then the process exits 0 with the database closed', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskport-sigterm-'))
  const database = await freshDatabase()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/start.ts'], {
    env: { ...process.env, PORT: '0', DATABASE_URL: database.url, TASKPORT_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString()))
  try {
    const [url, token] = await new Promise<[string, string]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 30_000)
      child.stdout.on('data', () => {
        const url = /"url":"(http:[^"]+)"/.exec(output)?.[1]
        const token = /Bearer token[^\n]*\n\n(\S+)/.exec(output)?.[1]
        if (url && token) {
          clearTimeout(timer)
          resolve([url, token])
        }
      })
    })
    const inFlight = Array.from({ length: 50 }, () =>
      fetch(`${url}/api/projects`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status, () => 'not accepted' as const))
    await Promise.race(inFlight) // the server is busy with the others now
    child.kill('SIGTERM')
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    const statuses = await Promise.all(inFlight)
    assert.is(code, 0)
    assert.match(output, '"msg":"stopped"')
    // Every request the server had accepted got its answer; none was cut off with an error status.
    assert.ok(statuses.every((s) => s === 200 || s === 'not accepted'), JSON.stringify(statuses))
    assert.ok(statuses.filter((s) => s === 200).length > 1, 'requests in flight at the signal were answered')
  } finally {
    child.kill('SIGKILL')
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test.run()
