// GitHub pull import rate: a fake GitHub on loopback with 5,000 issues (every 10th a pull request), taskport's
// Koa app on PostgreSQL (the tests' embedded server, or DATABASE_URL), one import over HTTP.
//   node --conditions=taskport-source --import tsx bench/github-import.ts     (ISSUES=5000 by default)
import { makeIssues, startFakeGitHub } from '../tests/support/fake-github.js'
import { startApi } from '../tests/support/http.js'

const ISSUES = Number(process.env.ISSUES ?? 5000)
const api = await startApi()
const github = await startFakeGitHub('acme', 'bench', makeIssues(ISSUES, 10))
try {
  const pid = (await api.call('POST', '/api/projects', { as: 'bench', body: { slug: 'import-bench', name: 'Import bench' } })).body.id
  const iid = (await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'bench', body: { type: 'github', access_token: 'x', settings: { owner: 'acme', repo: 'bench', api_url: github.url } } })).body.id
  for (const run of ['first import', 're-import (all linked)']) {
    const started = process.hrtime.bigint()
    const res = await api.call('POST', `/api/projects/${pid}/integrations/${iid}/import`, { as: 'bench' })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const items = res.body.created + res.body.skipped + res.body.failed
    console.log(`${run}: ${JSON.stringify({ ...res.body, errors: res.body.errors.length })} in ${seconds.toFixed(1)} s = ${Math.round(items / seconds)} issues/s (${Math.round(res.body.created / seconds)} created/s)`)
  }
} finally {
  await github.stop()
  await api.stop()
}
