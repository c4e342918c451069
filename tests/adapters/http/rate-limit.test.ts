// The task-sync rate limit with the in-process store, over real HTTP on PostgreSQL: 100 per minute per project,
// a 429 in the contract shape with its headers, other projects unaffected, windows that end, a bounded store.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { BoundedLimitMap } from '../../../src/adapters/http/rate-limit.js'
import { startApi, type ApiServer } from '../../support/http.js'

const it = suite<{ api: ApiServer; short: ApiServer }>('task-sync rate limit (in-process store)')

it.before(async (ctx) => {
  ctx.api = await startApi()
  ctx.short = await startApi({ rateLimit: { max: 2, durationMs: 4000 } })
})
it.after(async (ctx) => {
  await ctx.api.stop()
  await ctx.short.stop()
})

const projectWithToken = async (api: ApiServer, slug: string) => {
  const pid = (await api.call('POST', '/api/projects', { as: 'rita', body: { slug, name: slug } })).body.id
  const token = (await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'rita', body: { name: 'ci' } })).body.token
  return { pid, token }
}

const push = (api: ApiServer, pid: number, token: string, externalId: string) =>
  api.call('POST', `/api/projects/${pid}/task-sync`, { headers: { authorization: `Bearer ${token}` }, body: { source: 'custom', external_id: externalId, name: externalId } })

it('100 pushes per minute per project are accepted, the 101st is a 429 with Retry-After and RateLimit headers', async ({ api }) => {
  const a = await projectWithToken(api, 'limited-a')
  const b = await projectWithToken(api, 'limited-b')
  const statuses: number[] = []
  for (let round = 0; round < 10; round += 1) {
    const batch = await Promise.all(Array.from({ length: 10 }, (_, i) => push(api, a.pid, a.token, `L-${round * 10 + i}`)))
    statuses.push(...batch.map((r) => r.status))
  }
  assert.equal(statuses.filter((s) => s === 201).length, 100, JSON.stringify(statuses.filter((s) => s !== 201)))

  const first = await push(api, b.pid, b.token, 'B-0')
  assert.is(first.headers.get('ratelimit-limit'), '100')
  assert.is(first.headers.get('ratelimit-remaining'), '99')
  assert.is(first.headers.get('x-ratelimit-limit'), '100')
  assert.is(first.headers.get('x-ratelimit-remaining'), '99')

  const limited = await push(api, a.pid, a.token, 'L-100')
  assert.is(limited.status, 429)
  assert.equal(Object.keys(limited.body).sort(), ['detail', 'error', 'status_code'])
  assert.is(limited.body.error, 'rate_limited')
  assert.is(limited.body.status_code, 429)
  assert.match(limited.body.detail, 'Rate limit exceeded: 100 task-sync requests per 60 s')
  const retryAfter = Number(limited.headers.get('retry-after'))
  assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter))
  assert.is(limited.headers.get('ratelimit-remaining'), '0')
  assert.is(limited.headers.get('ratelimit-reset'), String(retryAfter))
  assert.is(limited.headers.get('x-ratelimit-remaining'), '0')
  assert.match(limited.headers.get('x-ratelimit-reset') ?? '', /^\d{10}$/, 'whole epoch seconds')
  assert.ok(Number(limited.headers.get('x-ratelimit-reset')) > Date.now() / 1000)
  const links = await api.sql("select count(*)::int as n from external_links where external_id = 'L-100'")
  assert.is(links[0].n, 0, 'a limited push writes nothing')

  const other = await push(api, b.pid, b.token, 'B-1')
  assert.is(other.status, 201, 'another project keeps its own budget')
  assert.is((await api.call('GET', `/api/projects/${a.pid}/tasks?limit=1`, { as: 'rita' })).status, 200, 'the JWT routes are not limited')
})

it('pushes without a well-formed token are refused before they count', async ({ short }) => {
  const p = await projectWithToken(short, 'limited-c')
  for (let i = 0; i < 5; i += 1) {
    const res = await short.call('POST', `/api/projects/${p.pid}/task-sync`, { headers: { authorization: 'Bearer nope' }, body: {} })
    assert.is(res.status, 401)
  }
  assert.is((await push(short, p.pid, p.token, 'C-1')).status, 201)
})

it('the window ends and the project may push again', async ({ short }) => {
  const p = await projectWithToken(short, 'limited-d')
  assert.is((await push(short, p.pid, p.token, 'D-1')).status, 201)
  assert.is((await push(short, p.pid, p.token, 'D-2')).status, 201)
  const limited = await push(short, p.pid, p.token, 'D-3')
  assert.is(limited.status, 429)
  await new Promise((resolve) => setTimeout(resolve, 4100))
  assert.is((await push(short, p.pid, p.token, 'D-3')).status, 201)
})

it('the in-process store forgets ended windows and holds at most its capacity', () => {
  let now = 1_000_000
  const map = new BoundedLimitMap(3, () => now)
  const entry = (resetInS: number) => ({ reset: now / 1000 + resetInS })
  map.set('a', entry(10))
  map.set('b', entry(10))
  map.set('c', entry(60))
  assert.equal([...map.keys()], ['a', 'b', 'c'])
  map.set('d', entry(60))
  assert.equal([...map.keys()], ['b', 'c', 'd'], 'full: the oldest window goes')
  now += 30_000
  map.set('e', entry(60))
  assert.equal([...map.keys()], ['c', 'd', 'e'], 'b ended: it goes first')
  now += 45_000
  map.set('c', entry(60))
  assert.equal([...map.keys()], ['e', 'c'], 'd ended; c starts a new window at the end')
  assert.ok(map instanceof Map, 'koa-ratelimit requires a Map')
  const big = new BoundedLimitMap(1000, () => now)
  for (let i = 0; i < 50_000; i += 1) big.set(`k${i}`, entry(60))
  assert.is(big.size, 1000)
})

it.run()
