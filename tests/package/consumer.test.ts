// taskport as its users get it: `npm pack`, then installs of the tarball into temporary projects (from npm's
// cache, no network: tests/support/consumer-project.ts). The core alone stays within 5 packages and 10 MB; a
// TypeScript host type-checks against every entry point (strict, skipLibCheck false, nodenext and bundler);
// a domain-only host, a CommonJS host and a Koa host with its own Koa run; an adapter entry point without its
// peers stops with one line; the CLI serves and migrates from the installed package.
import { createHash } from 'node:crypto'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { installConsumer, sh, uncoveredEnv, type Installed } from '../support/consumer-project.js'
import { emptyDatabase } from '../support/postgres.js'
import { freePort, run, stopProcess, waitFor } from '../support/processes.js'

const CONSUMERS = resolve('tests/package/consumers')
const TSC = resolve('node_modules/typescript/bin/tsc')
const MAX_CORE_PACKAGES = 5
const MAX_CORE_BYTES = 10_000_000

/** What a Koa host that also brings its own MikroORM and MCP installs (and what `taskport serve` needs). */
const HOST_PACKAGES = [
  'koa', '@koa/router', 'koa-ratelimit', 'jose', '@mikro-orm/core', '@mikro-orm/postgresql', '@mikro-orm/migrations', '@modelcontextprotocol/sdk', 'pino',
  'koa-mount', '@types/koa', '@types/koa-mount', '@types/node',
]

/** A Koa host that wants REST only: taskport/koa's own peers, without MCP. */
const KOA_ONLY_PACKAGES = ['koa', '@koa/router', 'koa-ratelimit', 'jose', 'koa-mount']

interface Context {
  work: string
  core: Installed
  koaOnly: Installed
  host: Installed
}
const it = suite<Context>('the packed package in a consumer project')

/** Bytes of every file under `dir` (their sizes, as npm's unpacked size counts them). */
const bytesUnder = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name)
    return sum + (entry.isDirectory() ? bytesUnder(path) : entry.isFile() ? statSync(path).size : 0)
  }, 0)

const node = async (dir: string, args: string[], env: Record<string, string> = {}) => {
  const result = await sh(process.execPath, args, { cwd: dir, env })
  if (result.code !== 0) throw new Error(`node ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`)
  return result.stdout.trim()
}

// uvu counts a failing hook without saying why: the set-up prints its error itself.
it.before(async (ctx) => {
  try {
    await setUp(ctx)
  } catch (error) {
    console.error('consumer set-up failed:', error)
    throw error
  }
})

const setUp = async (ctx: Context): Promise<void> => {
  ctx.work = mkdtempSync(join(tmpdir(), 'taskport-consumer-'))
  const packed = await sh('npm', ['pack', '--json', '--pack-destination', ctx.work], { cwd: process.cwd() })
  assert.is(packed.code, 0, packed.stderr)
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[]
  const tarball = join(ctx.work, info!.filename)
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`
  const files = info!.files.map((f) => f.path)
  assert.ok(files.includes('dist/assets/swagger-ui-bundle.js.gz') && files.includes('dist/assets/redoc.standalone.js.gz'), 'the docs assets are in the package')
  assert.not.ok(files.some((f) => f.endsWith('.js.map') || f.startsWith('src/') || f.startsWith('tests/')), 'no sources, tests or maps')
  ctx.core = await installConsumer(join(ctx.work, 'core'), tarball, integrity)
  ctx.koaOnly = await installConsumer(join(ctx.work, 'koa-only'), tarball, integrity, KOA_ONLY_PACKAGES)
  ctx.host = await installConsumer(join(ctx.work, 'host'), tarball, integrity, HOST_PACKAGES)
  for (const file of readdirSync(CONSUMERS)) {
    for (const project of [ctx.core, ctx.koaOnly, ctx.host]) copyFileSync(join(CONSUMERS, file), join(project.dir, file))
  }
}
it.after(({ work }) => {
  if (work) rmSync(work, { recursive: true, force: true })
})

it(`the core alone: at most ${MAX_CORE_PACKAGES} packages and ${MAX_CORE_BYTES / 1e6} MB, none of the adapters' libraries`, ({ core, host }) => {
  const installed = readdirSync(join(core.dir, 'node_modules')).filter((name) => !name.startsWith('.'))
  assert.equal(installed.sort(), ['fp-ts', 'io-ts', 'taskport'])
  const bytes = bytesUnder(join(core.dir, 'node_modules'))
  console.log(`    core install: ${core.packages} packages, ${(bytes / 1e6).toFixed(2)} MB (taskport ${(bytesUnder(join(core.dir, 'node_modules/taskport')) / 1e6).toFixed(2)} MB); ` +
    `Koa + MikroORM + MCP host: ${host.packages} packages, ${(bytesUnder(join(host.dir, 'node_modules')) / 1e6).toFixed(1)} MB`)
  assert.ok(core.packages <= MAX_CORE_PACKAGES, `${core.packages} packages`)
  assert.ok(bytes <= MAX_CORE_BYTES, `${bytes} bytes`)
})

it('a domain-only host runs the rules and the use cases', async ({ core }) => {
  assert.equal(JSON.parse(await node(core.dir, ['domain.mjs'])), {
    refused: 'InvalidTransition', allowed: ['in_progress', 'blocked', 'backlog', 'cancelled'], project: 'LAUNCH', task: 'LAUNCH-1', status: 'pending',
  })
})

it('a CommonJS host requires taskport, without a warning', async ({ core }) => {
  const required = await sh(process.execPath, ['commonjs.cjs'], { cwd: core.dir })
  assert.is(required.code, 0, required.stderr)
  assert.is(required.stderr, '', 'no ExperimentalWarning for require() of an ES module')
  assert.equal(JSON.parse(required.stdout), { statuses: 7, pendingToDone: false, pendingToProgress: true, taskport: 'function' })
})

it('without their peers, taskport/koa, /mikro-orm and /mcp stop with one line naming what to install (import and require)', async ({ core }) => {
  const answers = JSON.parse(await node(core.dir, ['missing-peer.mjs'])) as Record<string, { imported: string; required: string }>
  assert.equal(answers['taskport/koa'], {
    imported: 'taskport/koa needs koa, @koa/router, koa-ratelimit, jose, not installed: npm install koa@^3.0.0 @koa/router@^15.0.0 koa-ratelimit@^6.0.0 jose@^6.0.0',
    required: 'taskport/koa needs koa, @koa/router, koa-ratelimit, jose, not installed: npm install koa@^3.0.0 @koa/router@^15.0.0 koa-ratelimit@^6.0.0 jose@^6.0.0',
  })
  assert.is(answers['taskport/mikro-orm']!.imported,
    'taskport/mikro-orm needs @mikro-orm/core, @mikro-orm/postgresql, @mikro-orm/migrations, not installed: npm install @mikro-orm/core@6.6.16 @mikro-orm/postgresql@6.6.16 @mikro-orm/migrations@6.6.16')
  assert.is(answers['taskport/mcp']!.required, 'taskport/mcp needs @modelcontextprotocol/sdk, not installed: npm install @modelcontextprotocol/sdk@^1.32.2')
  const cli = await sh(join(core.dir, 'node_modules/.bin/taskport'), ['serve'], { cwd: core.dir })
  assert.is(cli.code, 69)
  assert.is(cli.stderr.trim(), 'taskport serve needs koa, @koa/router, koa-ratelimit, jose, @mikro-orm/core, @mikro-orm/postgresql, @mikro-orm/migrations, pino, @modelcontextprotocol/sdk, ' +
    'not installed: npm install koa@^3.0.0 @koa/router@^15.0.0 koa-ratelimit@^6.0.0 jose@^6.0.0 @mikro-orm/core@6.6.16 @mikro-orm/postgresql@6.6.16 @mikro-orm/migrations@6.6.16 pino@^9.0.0 ' +
    '@modelcontextprotocol/sdk@^1.32.2')
})

for (const resolution of ['nodenext', 'bundler'] as const) {
  it(`a TypeScript host type-checks against every entry point (strict, skipLibCheck false, moduleResolution ${resolution})`, async ({ host }) => {
    const config = `tsconfig.${resolution}.json`
    writeFileSync(join(host.dir, config), JSON.stringify({
      compilerOptions: {
        strict: true, skipLibCheck: false, noEmit: true, target: 'es2022', types: ['node'],
        module: resolution === 'nodenext' ? 'nodenext' : 'esnext', moduleResolution: resolution,
      },
      files: ['consumer.ts'],
    }))
    const checked = await sh(process.execPath, [TSC, '-p', config], { cwd: host.dir })
    assert.is(checked.code, 0, checked.stdout)
    // The check has teeth: a wrong use of taskport's types fails it.
    writeFileSync(join(host.dir, 'wrong.ts'), "import type { TaskStatus } from 'taskport'\nexport const status: TaskStatus = 'finished'\n")
    writeFileSync(join(host.dir, `wrong.${config}`), JSON.stringify({ extends: `./${config}`, files: ['wrong.ts'] }))
    const wrong = await sh(process.execPath, [TSC, '-p', `wrong.${config}`], { cwd: host.dir })
    assert.is(wrong.code, 2, wrong.stdout)
    assert.match(wrong.stdout, /TS2322/)
  })
}

it('a Koa host mounts taskport/koa with its own Koa: REST under the prefix, its authentication, the docs assets from dist', async ({ host }) => {
  assert.not.ok(existsSync(join(host.dir, 'node_modules/taskport/node_modules')), 'no second copy of koa or anything else under taskport')
  assert.equal(JSON.parse(await node(host.dir, ['koa-host.mjs'])), {
    sameKoa: true,
    created: 201,
    projects: ['Default', 'Hosted'],
    refused: [401, 'unauthorized'],
    docsLinksUnderMount: true,
    bundle: { status: 200, encoding: 'gzip', bytes: statSync(join(host.dir, 'node_modules/taskport/dist/assets/swagger-ui-bundle.js.gz')).size, etag: true, cache: 'public, max-age=86400' },
    redoc: { status: 200, encoding: null, bytes: statSync(resolve('node_modules/redoc/bundles/redoc.standalone.js')).size },
    host: { host: '/elsewhere' },
    mcp: '200: 16 tools',
    // Not installed here (a host that needs GitHub installs it): the import reports the line, the rest works.
    github: '200 [{"error":"the GitHub client needs @octokit/core, @octokit/plugin-paginate-rest, not installed: npm install @octokit/core@^7.0.0 @octokit/plugin-paginate-rest@^16.0.0"}]',
  })
})

it('a Koa host without the MCP SDK: createTaskportApp says to install it or pass mcp: false; with mcp: false it serves REST', async ({ koaOnly }) => {
  const refused = await sh(process.execPath, ['koa-host.mjs'], { cwd: koaOnly.dir })
  assert.is(refused.code, 1)
  assert.match(refused.stderr, 'MissingPeerError: createTaskportApp serves MCP at /mcp (pass mcp: false to leave it out) and needs @modelcontextprotocol/sdk, not installed: npm install @modelcontextprotocol/sdk@^1.32.2')
  const served = JSON.parse(await node(koaOnly.dir, ['koa-host.mjs'], { HOST_MCP: 'false' })) as Record<string, unknown>
  assert.is(served.created, 201)
  assert.is(served.sameKoa, true)
  assert.is(served.mcp, '200: {"host":"/tp/mcp"}', 'not taskport\'s: the host\'s fallback answers')
  console.log(`    Koa host without MCP: ${koaOnly.packages} packages, ${(bytesUnder(join(koaOnly.dir, 'node_modules')) / 1e6).toFixed(2)} MB`)
})

it('the installed CLI migrates a database and serves on it (taskport migrate, taskport serve)', async ({ host, work }) => {
  const database = await emptyDatabase()
  const env = { DATABASE_URL: database.url, TASKPORT_DATA_DIR: join(work, 'data'), LOG_LEVEL: 'info' }
  const bin = join(host.dir, 'node_modules/.bin/taskport')
  let server
  try {
    const migrated = await sh(bin, ['migrate'], { cwd: host.dir, env })
    assert.is(migrated.code, 0, migrated.stderr)
    assert.match(migrated.stdout, /migrations applied \(DATABASE_URL\)/)
    const port = await freePort()
    server = run(bin, ['serve'], { ...(uncoveredEnv() as Record<string, string>), ...env, PORT: String(port), HOST: '127.0.0.1' })
    await waitFor(server, /taskport listening/, 'taskport serve')
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`)
    assert.equal(await ready.json(), { status: 'ready', database: 'ok' })
    const docs = await fetch(`http://127.0.0.1:${port}/docs/assets/swagger-ui.css`)
    assert.is(docs.status, 200)
    assert.is(docs.headers.get('content-encoding'), 'gzip')
  } finally {
    await stopProcess(server)
    await database.drop()
  }
})

it('import time of each entry point, from the installed package (printed for docs/performance.md)', async ({ core, host }) => {
  const time = async (dir: string, entry: string) =>
    Number(await node(dir, ['--input-type=module', '-e', `const t = performance.now(); await import('${entry}'); process.stdout.write(String(performance.now() - t))`]))
  const times = { taskport: await time(core.dir, 'taskport'), 'taskport/koa': await time(host.dir, 'taskport/koa'), 'taskport/mikro-orm': await time(host.dir, 'taskport/mikro-orm'), 'taskport/mcp': await time(host.dir, 'taskport/mcp') }
  console.log(`    import times: ${Object.entries(times).map(([entry, ms]) => `${entry} ${ms.toFixed(0)} ms`).join(', ')}`)
  for (const [entry, ms] of Object.entries(times)) assert.ok(Number.isFinite(ms) && ms > 0, `${entry}: ${ms}`)
})

it.run()
