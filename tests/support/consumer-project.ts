// A temporary project that installs taskport's packed tarball, as a user's `npm install` would, but from npm's
// cache only (`npm ci --offline`: no network): its package-lock.json is the part of taskport's own lockfile that
// the asked-for packages need, so the versions are the ones `npm ci` of this repository put in the cache.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface LockEntry {
  readonly version?: string
  readonly integrity?: string
  readonly resolved?: string
  readonly link?: boolean
  readonly dependencies?: Record<string, string>
  readonly optionalDependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>
  readonly [key: string]: unknown
}

const repoLock = (): Record<string, LockEntry> =>
  (JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> }).packages

/** Where `name` resolves from the package at `from` (Node's walk up the node_modules folders). */
const resolveIn = (packages: Record<string, LockEntry>, from: string, name: string): string | undefined => {
  let base = from
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`
    if (packages[candidate]) return candidate
    if (!base) return undefined
    const at = base.lastIndexOf('/node_modules/')
    base = at === -1 ? '' : base.slice(0, at)
  }
}

/** The entries that installing `names` (and taskport's own dependencies) brings, at their paths in the repo's tree. */
const closure = (packages: Record<string, LockEntry>, names: readonly string[]): Map<string, LockEntry> => {
  const taken = new Map<string, LockEntry>()
  const visit = (path: string) => {
    if (taken.has(path)) return
    const entry = packages[path]!
    taken.set(path, entry)
    const required = { ...entry.dependencies, ...entry.optionalDependencies }
    for (const [peer] of Object.entries(entry.peerDependencies ?? {})) {
      if (!entry.peerDependenciesMeta?.[peer]?.optional) required[peer] = '*'
    }
    for (const name of Object.keys(required)) {
      const found = resolveIn(packages, path, name)
      // An optional dependency for another platform is not in the tree: npm skips it too.
      if (found) visit(found)
      else if (!(name in (entry.optionalDependencies ?? {}))) throw new Error(`${path} needs ${name}, not in package-lock.json`)
    }
  }
  for (const name of names) visit(`node_modules/${name}`)
  return taken
}

export interface Installed {
  readonly dir: string
  /** Packages installed (node_modules/**\/package.json of installed packages), taskport included. */
  readonly packages: number
}

const strip = ({ dev, optional, devOptional, peer, ...rest }: LockEntry): LockEntry => rest

/**
 * The environment for a child that the suite's coverage must not count: Node hands NODE_V8_COVERAGE (c8's
 * folder) to every child even when `env` leaves it out, so it points somewhere else. Not coloured either (uvu
 * sets FORCE_COLOR, which would colour what a consumer prints).
 */
export const uncoveredEnv = (): Record<string, string | undefined> => {
  const { NODE_V8_COVERAGE, NODE_OPTIONS, FORCE_COLOR, ...env } = process.env
  return { ...env, ...(NODE_V8_COVERAGE ? { NODE_V8_COVERAGE: join(tmpdir(), 'taskport-uncovered-children') } : {}) }
}

export const sh = (command: string, args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined> }) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...uncoveredEnv(), ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })

/**
 * A project in `dir` with taskport from `tarball` and `with` (package names at the versions of the repo's
 * lockfile), installed by `npm ci --offline --ignore-scripts`.
 */
export const installConsumer = async (dir: string, tarball: string, tarballIntegrity: string, withPackages: readonly string[] = []): Promise<Installed> => {
  mkdirSync(dir, { recursive: true })
  const packages = repoLock()
  const taskport = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; peerDependencies: Record<string, string>; peerDependenciesMeta: Record<string, unknown>; engines: Record<string, string>; bin: Record<string, string>; license: string }
  const taken = closure(packages, [...Object.keys(taskport.dependencies), ...withPackages])
  const rootDeps: Record<string, string> = { [taskport.name]: `file:${tarball}` }
  for (const name of withPackages) rootDeps[name] = packages[`node_modules/${name}`]!.version!
  const lock = {
    name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true,
    packages: {
      '': { name: 'consumer', version: '1.0.0', dependencies: rootDeps },
      'node_modules/taskport': {
        version: taskport.version, resolved: `file:${tarball}`, integrity: tarballIntegrity, license: taskport.license,
        dependencies: taskport.dependencies, bin: taskport.bin, engines: taskport.engines,
        peerDependencies: taskport.peerDependencies, peerDependenciesMeta: taskport.peerDependenciesMeta,
      },
      ...Object.fromEntries([...taken].map(([path, entry]) => [path, strip(entry)])),
    },
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: rootDeps }, null, 2))
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2))
  const result = await sh('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir })
  if (result.code !== 0) throw new Error(`npm ci in ${dir} failed:\n${result.stderr}${result.stdout}`)
  return { dir, packages: taken.size + 1 }
}
