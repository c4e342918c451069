// Part of `npm run build`: the Swagger UI and ReDoc files, gzipped, into dist/assets, with the licences of the
// packages they come from (see src/adapters/http/docs-assets.ts).
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { DOCS_ASSETS } from '../src/adapters/http/docs-assets.js'

const require = createRequire(import.meta.url)
const out = 'dist/assets'
mkdirSync(out, { recursive: true })
const packages = new Set<string>()
let raw = 0
let packed = 0
for (const asset of DOCS_ASSETS) {
  const dir = dirname(require.resolve(`${asset.source.packageName}/package.json`))
  const content = readFileSync(join(dir, asset.source.path))
  const gz = gzipSync(content, { level: 9 })
  writeFileSync(join(out, `${asset.name}.gz`), gz)
  // The notices of what the bundle bundles.
  const notices = join(dir, `${asset.source.path}.LICENSE.txt`)
  if (existsSync(notices)) copyFileSync(notices, join(out, `${asset.name}.LICENSE.txt`))
  raw += content.length
  packed += gz.length
  packages.add(asset.source.packageName)
}
for (const name of packages) {
  const dir = dirname(require.resolve(`${name}/package.json`))
  const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; license: string }
  writeFileSync(join(out, `${name}.LICENSE.txt`), `${name} ${version} (${license})\n\n${readFileSync(join(dir, 'LICENSE'), 'utf8')}`)
}
console.log(`docs assets: ${DOCS_ASSETS.length} files, ${raw} bytes, ${packed} gzipped, in ${out}`)
