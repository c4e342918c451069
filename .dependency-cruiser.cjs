// Layer rules of taskport (docs/architecture.md). Checked in CI with no exemptions.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports only src/domain, fp-ts and io-ts',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '^node_modules/(fp-ts|io-ts)/'] },
    },
    {
      name: 'application-depends-on-domain-only',
      comment: 'src/application imports only src/domain, src/application, fp-ts and io-ts',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { pathNot: ['^src/domain/', '^src/application/', '^node_modules/(fp-ts|io-ts)/'] },
    },
    {
      name: 'mcp-adapter-uses-the-application-only',
      comment: 'src/adapters/mcp imports the application layer (and the domain it exposes), the MCP SDK, io-ts and fp-ts: not the other adapters',
      severity: 'error',
      from: { path: '^src/adapters/mcp/' },
      to: { path: '^src/(adapters/(?!mcp/)|main/)' },
    },
    {
      name: 'adapters-do-not-know-main',
      comment: 'only entry points (src/index.ts and the other package entry files) import src/main',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/main/', '^src/(index|koa|mikro-orm|mcp)(-api)?\\.ts$'] },
      to: { path: '^src/main/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
  },
}
