// A receiver of taskport's outgoing webhooks (docs/integrations/outgoing-webhooks.md): it verifies each delivery
// with the `standardwebhooks` package, drops repeats by `webhook-id`, and answers 2xx at once.
//   npm install standardwebhooks
//   WEBHOOK_SECRET=whsec_... PORT=4000 node webhook-receiver.mjs
import { createServer } from 'node:http'
import { Webhook } from 'standardwebhooks'

const webhook = new Webhook(process.env.WEBHOOK_SECRET) // the `secret` shown once when the endpoint was created
const seen = new Set() // keep this in your database in production: deliveries are at least once

const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8') // verify the raw body, before any JSON parsing
    let event
    try {
      event = webhook.verify(body, req.headers) // checks webhook-signature and that webhook-timestamp is recent
    } catch {
      res.writeHead(400).end('bad signature')
      return
    }
    res.writeHead(204).end() // answer within 10 s; do the work after answering
    if (seen.has(req.headers['webhook-id'])) return
    seen.add(req.headers['webhook-id'])
    // `sequence` grows within a project: keep the highest you applied per object and drop older events.
    console.log(JSON.stringify({ type: event.type, sequence: event.sequence, entity: event.data.entity_id ?? null }))
  })
})

server.listen(Number(process.env.PORT ?? 4000), '127.0.0.1', () => console.log(`listening on ${server.address().port}`))
