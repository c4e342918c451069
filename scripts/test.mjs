// Runs the whole suite under c8, enforces the per-layer coverage floors and ends with
// the one line CI reads: "N passed, N failed" (uvu itself prints only Total/Passed/Skipped).
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'

const coverageDir = 'coverage/tmp'
const floors = [
  { include: 'src/domain/**', lines: 95 },
  { include: 'src/application/**', lines: 90 },
]

const run = (cmd, args, { capture = false } = {}) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] })
    let out = ''
    if (capture) {
      child.stdout.on('data', (chunk) => {
        process.stdout.write(chunk)
        out += chunk.toString()
      })
    }
    child.on('close', (code) => resolve({ code: code ?? 1, out }))
  })

const count = (out, label) => {
  // uvu colours its totals: strip the ANSI codes before reading them.
  const plain = out.replace(/\u001b\[[0-9;]*m/g, '')
  const m = plain.match(new RegExp(`${label}:\\s+(\\d+)`))
  return m ? Number(m[1]) : undefined
}

rmSync(coverageDir, { recursive: true, force: true })
const pattern = process.argv[2] ?? '\\.test\\.ts$'
const suite = await run(
  'node_modules/.bin/c8',
  [ '--reporter=none', `--temp-directory=${coverageDir}`, '--clean=true',
    'node', '--conditions=taskport-source', '--import', 'tsx',
    'node_modules/uvu/bin.js', 'tests', pattern,
  ],
  { capture: true },
)

let failedFloors = 0
for (const floor of floors) {
  console.log(`\nCoverage of ${floor.include} (floor ${floor.lines}% lines):`)
  const report = await run('node_modules/.bin/c8', [
    'report', `--temp-directory=${coverageDir}`, '--reporter=text-summary',
    // Port files hold only interfaces (no JavaScript at all), so they are not counted.
    '--all', '--src=src', `--include=${floor.include}`, '--exclude=**/*.port.ts', '--exclude-after-remap',
    '--check-coverage', `--lines=${floor.lines}`,
  ])
  if (report.code !== 0) failedFloors += 1
}

const total = count(suite.out, 'Total')
const passed = count(suite.out, 'Passed')
const skipped = count(suite.out, 'Skipped') ?? 0
if (total === undefined || passed === undefined) {
  console.log('the test runner crashed before reporting its totals')
  console.log('0 passed, 1 failed')
  process.exit(1)
}
// uvu's Total excludes skipped tests.
const failed = total - passed
if (failedFloors > 0) console.log(`${failedFloors} coverage floor(s) not met`)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(suite.code !== 0 || failed > 0 || failedFloors > 0 ? 1 : 0)
