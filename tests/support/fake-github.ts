// A fake GitHub REST API on loopback: the issues endpoint of one repository with real pagination (Link
// headers), pull requests mixed in, recorded requests, and faults on demand (a status for the next N requests).
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeIssue {
  readonly number: number
  readonly title: string
  readonly state: 'open' | 'closed'
  readonly state_reason: string | null
  readonly body?: string | null
  readonly pull_request?: object
}

export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly authorization: string | undefined
}

export interface FakeGitHub {
  readonly url: string
  issues: FakeIssue[]
  readonly requests: RecordedRequest[]
  /** The next `times` requests answer `status` (with Retry-After when given). */
  fail(status: number, times: number, retryAfter?: string): void
  stop(): Promise<void>
}

export const makeIssues = (count: number, pullRequestEvery = 0): FakeIssue[] =>
  Array.from({ length: count }, (_, i) => ({
    number: i + 1,
    title: `Issue ${i + 1}`,
    state: i % 3 === 0 ? 'closed' : 'open',
    state_reason: i % 3 === 0 ? (i % 2 ? 'not_planned' : 'completed') : null,
    ...(pullRequestEvery && (i + 1) % pullRequestEvery === 0 ? { pull_request: { url: `pr/${i + 1}` } } : {}),
  }))

export const startFakeGitHub = async (owner: string, repo: string, issues: FakeIssue[]): Promise<FakeGitHub> => {
  const state = { issues, faults: [] as { status: number; retryAfter?: string }[] }
  const requests: RecordedRequest[] = []
  const server = createServer((req: IncomingMessage, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization })
    const fault = state.faults.shift()
    if (fault) {
      res.statusCode = fault.status
      if (fault.retryAfter) res.setHeader('retry-after', fault.retryAfter)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ message: `fake ${fault.status}` }))
      return
    }
    const url = new URL(req.url ?? '/', 'http://fake')
    if (req.method !== 'GET' || url.pathname !== `/repos/${owner}/${repo}/issues`) {
      res.statusCode = 404
      res.end(JSON.stringify({ message: 'Not Found' }))
      return
    }
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30))
    const page = Number(url.searchParams.get('page') ?? 1)
    const slice = state.issues.slice((page - 1) * perPage, page * perPage)
    const last = Math.max(1, Math.ceil(state.issues.length / perPage))
    const base = `http://${req.headers.host}${url.pathname}?state=all&per_page=${perPage}`
    if (page < last) res.setHeader('link', `<${base}&page=${page + 1}>; rel="next", <${base}&page=${last}>; rel="last"`)
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(slice.map((i) => ({
      body: `Body of ${i.number}`, ...i, labels: [{ name: 'imported' }], assignee: null,
      html_url: `https://github.com/${owner}/${repo}/issues/${i.number}`, updated_at: '2026-11-20T10:00:00Z',
    }))))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get issues() { return state.issues },
    set issues(value: FakeIssue[]) { state.issues = value },
    requests,
    fail: (status, times, retryAfter) => {
      for (let i = 0; i < times; i += 1) state.faults.push({ status, ...(retryAfter ? { retryAfter } : {}) })
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
