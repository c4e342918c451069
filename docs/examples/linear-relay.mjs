// A Linear -> taskport relay: receives Linear's issue webhooks, checks their signature, and pushes each issue to
// taskport's task-sync. Node 20+, no dependencies. Run it anywhere Linear can reach:
//
//   LINEAR_WEBHOOK_SECRET=lin_wh_… TASKPORT_URL=https://taskport.example.com TASKPORT_PROJECT_ID=2 \
//   TASKPORT_TOKEN=<64 hex> PORT=8787 node linear-relay.mjs
//
// The API token should carry Linear's state types as its status map (see docs/integrations/inbound-sync.md).
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'

const env = (name) => {
  const value = process.env[name]
  if (!value) {
    console.error(`linear-relay: ${name} is required`)
    process.exit(78)
  }
  return value
}

const SECRET = env('LINEAR_WEBHOOK_SECRET')
const TARGET = `${env('TASKPORT_URL').replace(/\/+$/, '')}/api/projects/${env('TASKPORT_PROJECT_ID')}/task-sync`
const TOKEN = env('TASKPORT_TOKEN')
const MAX_BODY = 1024 * 1024

/** Linear signs the raw body: hex HMAC-SHA256 in `Linear-Signature`; `webhookTimestamp` (ms) must be recent. */
const verified = (raw, signature, payload) => {
  const expected = createHmac('sha256', SECRET).update(raw).digest()
  const given = Buffer.from(typeof signature === 'string' ? signature : '', 'hex')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false
  return Math.abs(Date.now() - Number(payload.webhookTimestamp)) <= 60_000
}

/** A Linear issue as a task-sync push. Linear ids (UUIDs) match issues and parents; the URL shows ENG-123. */
const toPush = (issue) => ({
  source: 'linear',
  external_id: issue.id,
  name: issue.title,
  description: issue.description ?? null,
  status: issue.state?.type, // triage, backlog, unstarted, started, completed, canceled
  ...(issue.assignee?.email ? { assignee_email: issue.assignee.email } : {}),
  story_points: typeof issue.estimate === 'number' ? issue.estimate : null,
  labels: (issue.labels ?? []).map((label) => label.name),
  external_url: issue.url ?? null,
  parent_external_id: issue.parentId ?? null,
  updated_at: issue.updatedAt,
})

const reply = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') return reply(res, 405, { error: 'POST only' })
  const chunks = []
  let size = 0
  req.on('data', (chunk) => {
    size += chunk.length
    if (size <= MAX_BODY) chunks.push(chunk)
  })
  req.on('end', async () => {
    if (size > MAX_BODY) return reply(res, 413, { error: 'body too large' })
    const raw = Buffer.concat(chunks)
    let payload
    try {
      payload = JSON.parse(raw.toString('utf8'))
    } catch {
      return reply(res, 400, { error: 'malformed JSON' })
    }
    if (!verified(raw, req.headers['linear-signature'], payload)) return reply(res, 401, { error: 'bad signature or old timestamp' })
    if (payload.type !== 'Issue' || payload.action === 'remove') return reply(res, 202, { ignored: `${payload.type} ${payload.action}` })
    try {
      const pushed = await fetch(TARGET, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(toPush(payload.data)),
      })
      // taskport's answer goes back to Linear: a 429 or 503 makes Linear deliver again later.
      reply(res, pushed.status, await pushed.json())
    } catch (error) {
      reply(res, 502, { error: `taskport unreachable: ${error.message}` })
    }
  })
})

server.listen(Number(process.env.PORT ?? 8787), process.env.HOST ?? '0.0.0.0', () => {
  console.log(`linear-relay listening on ${JSON.stringify(server.address())}, pushing to ${TARGET}`)
})
