// GET /openapi.json, Swagger UI at /docs and ReDoc at /redoc. Their files are static assets (no CDN): gzipped in
// dist/assets by the build, or read from the swagger-ui-dist and redoc packages when run from source. Served
// gzipped to clients that accept it (every browser), unzipped otherwise, with an ETag and a day of caching.
// The pages name their assets and the document under the path they were requested at, so that they work
// where a host mounts taskport (koa-mount under /taskport, say).
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import type Router from '@koa/router'
import type { Context } from 'koa'
import { DOCS_ASSETS, type DocsAsset } from './docs-assets.js'
import { openApiDocument } from './openapi.js'

/** dist/assets, beside dist/adapters/http of the built package. */
const BUILT_ASSETS = fileURLToPath(new URL('../../assets/', import.meta.url))

interface Representations {
  readonly gzip: Buffer
  readonly plain: Buffer
  readonly etag: string
}

const load = async (asset: DocsAsset): Promise<Representations> => {
  let gzip: Buffer
  try {
    gzip = await readFile(join(BUILT_ASSETS, `${asset.name}.gz`))
  } catch {
    const require = createRequire(import.meta.url)
    const dir = dirname(require.resolve(`${asset.source.packageName}/package.json`))
    gzip = gzipSync(await readFile(join(dir, asset.source.path)), { level: 9 })
  }
  const plain = gunzipSync(gzip)
  return { gzip, plain, etag: createHash('sha256').update(plain).digest('base64url').slice(0, 27) }
}

/** The path taskport is mounted under: what the host's mount took off the front of the URL. */
const mountPrefix = (ctx: Context): string => {
  const full = new URL(ctx.originalUrl, 'http://taskport').pathname
  return full.endsWith(ctx.path) ? full.slice(0, full.length - ctx.path.length) : ''
}

/** For an HTML attribute and a JavaScript string alike (the prefix comes from the URL). */
const attribute = (text: string): string => text.replace(/[^\w/.~%-]/g, (c) => `&#${c.codePointAt(0)};`)
const script = (text: string): string => JSON.stringify(text).replace(/</g, '\\u003c')

const swaggerPage = (prefix: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>taskport API</title>
<link rel="stylesheet" href="${attribute(prefix)}/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="${attribute(prefix)}/docs/assets/swagger-ui-bundle.js"></script>
<script src="${attribute(prefix)}/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: ${script(`${prefix}/openapi.json`)}, dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' })</script>
</body></html>`

const redocPage = (prefix: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>taskport API</title></head>
<body><redoc spec-url="${attribute(prefix)}/openapi.json"></redoc><script src="${attribute(prefix)}/redoc/assets/redoc.standalone.js"></script></body></html>`

const acceptsGzip = (ctx: Context): boolean => ctx.acceptsEncodings('gzip', 'identity') === 'gzip'

export const docsRoutes = (router: Router): void => {
  const document = openApiDocument()
  router.get('/openapi.json', (ctx) => {
    ctx.body = document
  })
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = swaggerPage(mountPrefix(ctx))
  })
  router.get('/redoc', (ctx) => {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = redocPage(mountPrefix(ctx))
  })
  for (const asset of DOCS_ASSETS) {
    let loaded: Promise<Representations> | undefined
    router.get(`/${asset.page}/assets/${asset.name}`, async (ctx) => {
      loaded ??= load(asset).catch((error: unknown) => {
        loaded = undefined
        throw error
      })
      const files = await loaded
      const gzip = acceptsGzip(ctx)
      const etag = `"${files.etag}${gzip ? '-gz' : ''}"`
      ctx.set('Cache-Control', 'public, max-age=86400')
      ctx.set('Vary', 'Accept-Encoding')
      ctx.set('ETag', etag)
      ctx.type = asset.type
      if (ctx.get('If-None-Match').split(/\s*,\s*/).some((tag) => tag.replace(/^W\//, '') === etag)) {
        ctx.status = 304
        return
      }
      if (gzip) ctx.set('Content-Encoding', 'gzip')
      ctx.body = gzip ? files.gzip : files.plain
    })
  }
}
