// The static files of the Swagger UI and ReDoc pages. `npm run build` copies them from the swagger-ui-dist and
// redoc packages (development dependencies) into dist/assets, gzipped, so that the published package serves
// the pages offline without installing either package (redoc alone brings React, mobx, styled-components and
// core-js). Run from source, the routes read the same files from those packages.
export interface DocsAsset {
  /** The file name under dist/assets (plus `.gz`) and in the page's URL. */
  readonly name: string
  /** The URL's folder: /docs/assets or /redoc/assets. */
  readonly page: 'docs' | 'redoc'
  readonly type: string
  /** Where the file is in its npm package. */
  readonly source: { readonly packageName: string; readonly path: string }
}

export const DOCS_ASSETS: readonly DocsAsset[] = [
  { name: 'swagger-ui.css', page: 'docs', type: 'text/css; charset=utf-8', source: { packageName: 'swagger-ui-dist', path: 'swagger-ui.css' } },
  { name: 'swagger-ui-bundle.js', page: 'docs', type: 'text/javascript; charset=utf-8', source: { packageName: 'swagger-ui-dist', path: 'swagger-ui-bundle.js' } },
  {
    name: 'swagger-ui-standalone-preset.js', page: 'docs', type: 'text/javascript; charset=utf-8',
    source: { packageName: 'swagger-ui-dist', path: 'swagger-ui-standalone-preset.js' },
  },
  { name: 'redoc.standalone.js', page: 'redoc', type: 'text/javascript; charset=utf-8', source: { packageName: 'redoc', path: 'bundles/redoc.standalone.js' } },
]
