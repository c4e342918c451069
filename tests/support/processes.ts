// Real processes for the tests that run taskport as it is deployed: a redis-server (the Debian package, started
// on a free port with nothing persisted) and taskport servers (`src/main/start.ts`), each with its output kept.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { ISSUER, AUDIENCE } from './http.js'

/** The redis-server binary (REDIS_SERVER_BIN overrides it, e.g. to check the skipped path). */
export const REDIS_BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server'

/** true when redis-server can be run here. */
export const redisInstalled = (): boolean => spawnSync(REDIS_BIN, ['--version'], { encoding: 'utf8' }).status === 0

/** Prints the line that reports a test as skipped by name (uvu counts it as skipped, never as passed). */
export const reportSkipped = (names: readonly string[], why: string): void => {
  for (const name of names) console.log(`  skipped: ${name} (${why})`)
}

export interface Process {
  readonly child: ChildProcess
  /** stdout and stderr so far. */
  output: string
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

export const run = (command: string, args: string[], env: Record<string, string> = {}): Process => {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const proc: Process = { child, output: '' }
  child.stdout?.on('data', (c: Buffer) => (proc.output += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (proc.output += c.toString()))
  return proc
}

/** Resolves with the first match of `pattern` in the process's stdout; rejects if it exits first or after 60 s. */
export const waitFor = (proc: Process, pattern: RegExp, what: string): Promise<RegExpExecArray> =>
  new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(proc.output)
      if (match) {
        clearTimeout(timer)
        proc.child.stdout?.off('data', check)
        proc.child.off('exit', exited)
        resolve(match)
      }
    }
    const exited = () => reject(new Error(`${what}: exited before it was ready:\n${proc.output}`))
    const timer = setTimeout(() => reject(new Error(`${what}: not ready after 60 s:\n${proc.output}`)), 60_000)
    proc.child.stdout?.on('data', check)
    proc.child.once('exit', exited)
    check()
  })

/** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
export const stopProcess = async (proc: Process | undefined): Promise<void> => {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return
  const exited = new Promise((resolve) => proc.child.once('exit', resolve))
  proc.child.kill('SIGTERM')
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

export interface RedisServer {
  readonly process: Process
  readonly url: string
}

export const startRedis = async (): Promise<RedisServer> => {
  const port = await freePort()
  const proc = run(REDIS_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'])
  await waitFor(proc, /Ready to accept connections/, 'redis-server')
  return { process: proc, url: `redis://127.0.0.1:${port}` }
}

export interface TaskportOptions {
  readonly databaseUrl: string
  readonly dataDir: string
  readonly jwksUrl: string
  readonly redisUrl?: string
  readonly env?: Record<string, string>
}

/** `src/main/start.ts` as its own process, with the JWKS of the tests (tokens from `startJwks().sign`). */
export const spawnTaskport = (options: TaskportOptions): Process =>
  run(process.execPath, ['--conditions=taskport-source', '--import', 'tsx', 'src/main/start.ts'], {
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: options.databaseUrl, TASKPORT_DATA_DIR: options.dataDir,
    AUTH_JWKS_URL: options.jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, LOG_LEVEL: 'info',
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  })

export interface TaskportServer {
  readonly process: Process
  readonly url: string
}

/** Starts taskport and resolves once it logs its URL. */
export const startTaskport = async (options: TaskportOptions): Promise<TaskportServer> => {
  const proc = spawnTaskport(options)
  try {
    const match = await waitFor(proc, /"url":"(http:[^"]+)"/, 'taskport')
    return { process: proc, url: match[1] ?? '' }
  } catch (error) {
    await stopProcess(proc)
    throw error
  }
}
