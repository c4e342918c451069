// The Swagger UI and ReDoc files: gzipped for clients that accept it, plain otherwise, the same bytes as the
// packages they come from, revalidated by ETag; and the pages name them under the host's mount prefix.
import { readFileSync } from 'node:fs'
import { request as httpRequest, createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import Router from '@koa/router'
import Koa from 'koa'
import mount from 'koa-mount'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DOCS_ASSETS } from '../../../src/adapters/http/docs-assets.js'
import { docsRoutes } from '../../../src/adapters/http/docs-routes.js'

const it = suite<{ server: Server; base: string }>('docs assets')

it.before(async (ctx) => {
  const router = new Router()
  docsRoutes(router)
  const taskport = new Koa().use(router.routes())
  const host = new Koa().use(mount('/tools/taskport', taskport)).use(mount("/it's", taskport)).use(mount('/', taskport))
  ctx.server = createServer(host.callback())
  await new Promise<void>((resolve) => ctx.server.listen(0, '127.0.0.1', () => resolve()))
  ctx.base = `http://127.0.0.1:${(ctx.server.address() as AddressInfo).port}`
})
it.after(async (ctx) => {
  await new Promise<void>((resolve) => ctx.server.close(() => resolve()))
})

/** A GET with exactly these headers (fetch would add Accept-Encoding and unzip). */
const get = (url: string, headers: Record<string, string>) =>
  new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject).end()
  })

const original = (name: string): Buffer => {
  const asset = DOCS_ASSETS.find((a) => a.name === name)!
  return readFileSync(`node_modules/${asset.source.packageName}/${asset.source.path}`)
}

it('each asset: gzipped when accepted, plain otherwise, the package\'s bytes either way, cached a day', async ({ base }) => {
  for (const asset of DOCS_ASSETS) {
    const url = `${base}/${asset.page}/assets/${asset.name}`
    const zipped = await get(url, { 'accept-encoding': 'gzip, deflate, br' })
    assert.is(zipped.status, 200, url)
    assert.is(zipped.headers['content-encoding'], 'gzip')
    assert.is(zipped.headers['content-type'], asset.type)
    assert.is(zipped.headers['cache-control'], 'public, max-age=86400')
    assert.is(zipped.headers.vary, 'Accept-Encoding')
    assert.ok(gunzipSync(zipped.body).equals(original(asset.name)), `${asset.name} unzips to the package's file`)
    assert.ok(zipped.body.length < original(asset.name).length / 2, `${asset.name}: ${zipped.body.length} bytes gzipped`)
    const plain = await get(url, { 'accept-encoding': 'identity' })
    assert.is(plain.headers['content-encoding'], undefined)
    assert.ok(plain.body.equals(original(asset.name)))
    assert.is.not(plain.headers.etag, zipped.headers.etag, 'each representation has its own ETag')
  }
})

it('an ETag that matches is a 304 without a body; one that does not is the file', async ({ base }) => {
  const url = `${base}/redoc/assets/redoc.standalone.js`
  const first = await get(url, { 'accept-encoding': 'gzip' })
  const etag = String(first.headers.etag)
  assert.match(etag, /^"[\w-]+-gz"$/)
  const again = await get(url, { 'accept-encoding': 'gzip', 'if-none-match': `"other", W/${etag}` })
  assert.is(again.status, 304)
  assert.is(again.body.length, 0)
  const stale = await get(url, { 'accept-encoding': 'gzip', 'if-none-match': '"other"' })
  assert.is(stale.status, 200)
  assert.ok(stale.body.equals(first.body))
})

it('under a mount prefix the pages name their assets and the document under it, and those answer', async ({ base }) => {
  const swagger = (await get(`${base}/tools/taskport/docs`, {})).body.toString()
  assert.ok(swagger.includes('href="/tools/taskport/docs/assets/swagger-ui.css"'), swagger)
  assert.ok(swagger.includes('src="/tools/taskport/docs/assets/swagger-ui-bundle.js"'))
  assert.ok(swagger.includes('url: "/tools/taskport/openapi.json"'))
  const redoc = (await get(`${base}/tools/taskport/redoc`, {})).body.toString()
  assert.ok(redoc.includes('spec-url="/tools/taskport/openapi.json"'))
  assert.ok(redoc.includes('src="/tools/taskport/redoc/assets/redoc.standalone.js"'))
  for (const path of ['/tools/taskport/docs/assets/swagger-ui.css', '/tools/taskport/redoc/assets/redoc.standalone.js', '/tools/taskport/openapi.json']) {
    assert.is((await get(`${base}${path}`, {})).status, 200, path)
  }
  const root = (await get(`${base}/docs`, {})).body.toString()
  assert.ok(root.includes('href="/docs/assets/swagger-ui.css"') && root.includes('url: "/openapi.json"'), 'unmounted: from the root')
})

it('a prefix with a character of HTML or JavaScript is escaped in the page', async ({ base }) => {
  const page = (await get(`${base}/it's/docs`, {})).body.toString()
  assert.ok(page.includes('href="/it&#39;s/docs/assets/swagger-ui.css"'), page)
  assert.ok(page.includes(`url: "/it's/openapi.json"`), 'a JSON string in the script')
  assert.is((await get(`${base}/it's/docs/assets/swagger-ui.css`, {})).status, 200)
})

it.run()
