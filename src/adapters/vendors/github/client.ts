// GitHub's REST API through the official client (@octokit/core with its pagination plugin), pointed at the
// integration's `api_url` (GitHub Enterprise, or a fake in tests). Issues of the repository, all pages, state
// all; pull requests (which the issues endpoint also lists) are skipped. Octokit is an optional peer, loaded the
// first time an integration talks to GitHub: a host that never does needs none of it.
import { loadFeature, MissingPeerError } from '../../../peers.js'
import { githubExternalId, setting, type Integration } from '../../../domain/index.js'
import { VendorError, type ImportItem, type ImportPage, type VendorClient } from '../../../application/index.js'
import { DEFAULT_VENDOR_TIMEOUT_MS, type VendorHttpOptions } from '../http.js'
import { MAX_ATTEMPTS, retryAfterMs, retryable, sleep } from '../retry.js'
import { githubIssuePush } from './webhook.js'

const withPagination = (core: typeof import('@octokit/core'), paginate: typeof import('@octokit/plugin-paginate-rest')) =>
  core.Octokit.plugin(paginate.paginateRest)
type GitHub = ReturnType<typeof withPagination>

let github: Promise<GitHub> | undefined
/** The Octokit class with pagination, loaded once; a missing peer is the vendor call's error, naming what to install. */
const loadGitHub = (): Promise<GitHub> => {
  github ??= loadFeature('the GitHub client', ['@octokit/core', '@octokit/plugin-paginate-rest'], async () =>
    withPagination(await import('@octokit/core'), await import('@octokit/plugin-paginate-rest')))
    .catch((error: unknown) => {
      github = undefined
      throw error instanceof MissingPeerError ? new VendorError(error.message) : error
    })
  return github
}

interface OctokitError {
  readonly status?: number
  readonly message?: string
  readonly response?: { readonly headers?: Record<string, string | undefined> }
  readonly cause?: unknown
}

export const githubOctokit = async (integration: Integration, accessToken: string, options: VendorHttpOptions = {}) => {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VENDOR_TIMEOUT_MS
  const GitHub = await loadGitHub()
  const octokit = new GitHub({
    auth: accessToken,
    baseUrl: setting(integration, 'api_url') ?? 'https://api.github.com',
    userAgent: 'taskport',
    request: { fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }) },
  })
  // Rate limits and brief outages: wait as told (Retry-After), then try again; after that, a VendorError.
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await request(options)
      } catch (error) {
        const e = error as OctokitError
        const wait = retryAfterMs(e.response?.headers?.['retry-after'])
        if (attempt < MAX_ATTEMPTS && (retryable(e.status) || (e.status === 403 && wait !== undefined))) {
          await sleep(wait ?? 1000 * attempt)
          continue
        }
        // Octokit reports a request that got no answer as a 500 without a response: say what happened.
        if (!e.response && (e.cause as Error | undefined)?.name === 'TimeoutError') throw new VendorError(`GitHub did not answer within ${timeoutMs / 1000} s`)
        throw new VendorError(`GitHub answered ${e.status ?? 'no response'}: ${e.message ?? String(error)}`, e.status)
      }
    }
  })
  return octokit
}

/** Issues in the whole repository, estimated from the Link header's last page (GitHub gives no count). */
const estimateTotal = (link: string | undefined, perPage: number, current: number, onPage: number): number | undefined => {
  const last = link && /[?&]page=(\d+)[^>]*>;\s*rel="last"/.exec(link)?.[1]
  return last ? Number(last) * perPage : link === undefined || !link.includes('rel="next"') ? (current - 1) * perPage + onPage : undefined
}

async function* importIssues(integration: Integration, accessToken: string, options: VendorHttpOptions): AsyncIterable<ImportPage> {
  const octokit = await githubOctokit(integration, accessToken, options)
  const pages = octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues', {
    owner: setting(integration, 'owner') ?? '', repo: setting(integration, 'repo') ?? '', state: 'all', per_page: 100,
  })
  let current = 0
  let total: number | undefined
  for await (const page of pages) {
    current += 1
    total = estimateTotal(page.headers.link, 100, current, page.data.length) ?? total
    yield {
      items: page.data.map((issue): ImportItem =>
        issue.pull_request ? { kind: 'skip', reason: 'pull request' } : { kind: 'item', payload: githubIssuePush(integration, issue) }),
      ...(total !== undefined ? { estimatedTotal: total } : {}),
    }
  }
}

export const createGithubClient = (options: VendorHttpOptions = {}): VendorClient => ({
  importItems: (integration, accessToken) => importIssues(integration, accessToken, options),
  createItem: async (integration, accessToken, task) => {
    const owner = setting(integration, 'owner') ?? ''
    const repo = setting(integration, 'repo') ?? ''
    const created = await (await githubOctokit(integration, accessToken, options)).request('POST /repos/{owner}/{repo}/issues', {
      owner, repo, title: task.title, ...(task.description ? { body: task.description } : {}), labels: [...task.tags],
      ...(task.assigneeExternalId ? { assignees: [task.assigneeExternalId] } : {}),
    })
    return { externalId: githubExternalId(owner, repo, created.data.number), externalUrl: created.data.html_url }
  },
})

export const githubClient: VendorClient = createGithubClient()
