// GET /openapi.json, Swagger UI at /docs and ReDoc at /redoc, with their assets served from the local npm
// packages (no CDN).
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type Router from '@koa/router'
import { openApiDocument } from './openapi.js'

const require = createRequire(import.meta.url)
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`))

const ASSETS: Record<string, { file: () => string; type: string }> = {
  '/docs/assets/swagger-ui.css': { file: () => join(packageDir('swagger-ui-dist'), 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
  '/docs/assets/swagger-ui-bundle.js': { file: () => join(packageDir('swagger-ui-dist'), 'swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' },
  '/docs/assets/swagger-ui-standalone-preset.js': { file: () => join(packageDir('swagger-ui-dist'), 'swagger-ui-standalone-preset.js'), type: 'text/javascript; charset=utf-8' },
  '/redoc/assets/redoc.standalone.js': { file: () => join(packageDir('redoc'), 'bundles', 'redoc.standalone.js'), type: 'text/javascript; charset=utf-8' },
}

const SWAGGER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>taskport API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' })</script>
</body></html>`

const REDOC_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>taskport API</title></head>
<body><redoc spec-url="/openapi.json"></redoc><script src="/redoc/assets/redoc.standalone.js"></script></body></html>`

export const docsRoutes = (router: Router): void => {
  const document = openApiDocument()
  router.get('/openapi.json', (ctx) => {
    ctx.body = document
  })
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = SWAGGER_PAGE
  })
  router.get('/redoc', (ctx) => {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = REDOC_PAGE
  })
  const cache = new Map<string, Buffer>()
  for (const [path, asset] of Object.entries(ASSETS)) {
    router.get(path, async (ctx) => {
      let content = cache.get(path)
      if (!content) {
        content = await readFile(asset.file())
        cache.set(path, content)
      }
      ctx.type = asset.type
      ctx.set('Cache-Control', 'public, max-age=86400')
      ctx.body = content
    })
  }
}
