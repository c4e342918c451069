// One delivery attempt over real HTTP to receivers of this file on 127.0.0.1: the Standard Webhooks request
// (verified with the `standardwebhooks` package, not our code), statuses, redirects not followed, timeouts,
// refused connections, the 1 KiB excerpt, and the private-address guard. Names resolve only through injected
// lookups with canned answers; a fence destroys (and records) any socket that would leave loopback.
import { randomBytes } from 'node:crypto'
import type { LookupAddress } from 'node:dns'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { fence } from '../../support/loopback-fence.js'
import type { Lookup } from '../../../src/adapters/webhooks/address-guard.js'
import { createWebhookTransport } from '../../../src/adapters/webhooks/transport.js'
import type { AttemptResult, WebhookTransport, WebhookTransportOptions } from '../../../src/adapters/webhooks/transport.js'

// ------------------------------------------------------------------------------------------- the network fence

const { offLoopback } = fence

// ------------------------------------------------------------------------------------------- receivers

interface Received { readonly method: string; readonly url: string; readonly headers: IncomingHttpHeaders; readonly body: Buffer }
type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void

interface Receiver {
  readonly url: string
  readonly port: number
  readonly received: Received[]
  connections: number
  readonly server: Server
  close(): Promise<void>
}

const startReceiver = async (handler: Handler = (_req, res) => res.end('ok')): Promise<Receiver> => {
  const received: Received[] = []
  const server = createServer()
  const receiver = {
    url: '', port: 0, received, connections: 0, server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
  server.on('connection', () => { receiver.connections += 1 })
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      handler(req, res, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.port = (server.address() as AddressInfo).port
  receiver.url = `http://127.0.0.1:${receiver.port}`
  return receiver
}

/** A receiver and a transport for one test; both are closed after it. */
const withReceiver = async (
  handler: Handler | undefined,
  options: Partial<WebhookTransportOptions>,
  run: (receiver: Receiver, transport: WebhookTransport) => Promise<void>,
): Promise<void> => {
  const receiver = await startReceiver(handler)
  const transport = createWebhookTransport({ timeoutMs: 5000, allowPrivate: true, userAgent: 'taskport-webhooks/0.1.0', ...options })
  try {
    await run(receiver, transport)
  } finally {
    transport.close()
    await receiver.close()
  }
}

const secret = `whsec_${randomBytes(32).toString('base64')}`
const eventId = 'evt_0123456789abcdef0123456789abcdef'
const body = '{"id":"evt_0123456789abcdef0123456789abcdef","type":"task.created","data":{"title":"Ünïcödé ✓ 😀","note":"a\\"b\\\\c\\u2028"},  "spaced" : [ 1 , 2 ]}\n'
const request = (url: string, overrides: Partial<{ secret: string; eventId: string; body: string }> = {}) => ({ url, secret, eventId, body, ...overrides })

const headerRecord = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])))

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const canned = (answers: Record<string, readonly LookupAddress[]>) => {
  const calls: string[] = []
  const lookup: Lookup = (hostname, options, callback) => {
    calls.push(hostname)
    const answer = answers[hostname]
    setImmediate(() => {
      if (answer === undefined) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), options.all ? [] : '', undefined)
      if (options.all) return callback(null, [...answer])
      callback(null, answer[0]?.address ?? '', answer[0]?.family)
    })
  }
  return { lookup, calls }
}

const noResponse = (result: AttemptResult, error: string) => {
  assert.is(result.statusCode, null)
  assert.is(result.error, error)
  assert.is(result.responseExcerpt, '')
  assert.ok(Number.isInteger(result.durationMs) && result.durationMs >= 0)
}

const transport = suite('webhooks: transport')

transport.after.each(() => {
  assert.equal(offLoopback, [], 'no socket may go anywhere but loopback')
})

// ------------------------------------------------------------------------------------------- the request

transport('the request is a signed Standard Webhooks POST that standardwebhooks verifies; the body arrives byte for byte', async () => {
  await withReceiver((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks'), {}, async (receiver, client) => {
    const before = Date.now()
    const result = await client.send(request(`${receiver.url}/hooks/in?x=1&y=%C3%BC`))
    assert.is(result.statusCode, 200)
    assert.is(result.error, null)
    assert.is(result.responseExcerpt, 'thanks')
    assert.ok(Number.isInteger(result.durationMs) && result.durationMs >= 0 && result.durationMs < 5000)
    assert.ok(Math.abs(result.at.getTime() - before) < 1000)

    assert.is(receiver.received.length, 1)
    const got = receiver.received[0]!
    assert.is(got.method, 'POST')
    assert.is(got.url, '/hooks/in?x=1&y=%C3%BC')
    assert.ok(got.body.equals(Buffer.from(body, 'utf8')), 'byte-identical body')
    assert.is(got.headers['content-type'], 'application/json')
    assert.is(got.headers['user-agent'], 'taskport-webhooks/0.1.0')
    assert.is(got.headers['webhook-id'], eventId)
    assert.is(got.headers['content-length'], String(Buffer.byteLength(body)))
    const stamp = String(got.headers['webhook-timestamp'])
    const timestamp = Number(stamp)
    assert.ok(/^\d+$/.test(stamp), 'unix seconds')
    assert.ok(Math.abs(timestamp - Date.now() / 1000) < 5, 'timestamp of this attempt')
    assert.is(timestamp, Math.floor(result.at.getTime() / 1000))
    assert.match(String(got.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]{43}=$/)

    const headers = headerRecord(got.headers)
    assert.equal(new Webhook(secret).verify(got.body.toString('utf8'), headers), JSON.parse(body))
    assert.equal(new Webhook(secret).verify(got.body, headers), JSON.parse(body))
    const changed = body.replace('task.created', 'task.deleted')
    assert.throws(() => new Webhook(secret).verify(changed, headers))
    assert.throws(() => new Webhook(secret).verify(`${body} `, headers))
    assert.throws(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_other' }))
    assert.throws(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(body, headers))
  })
})

transport('webhook-timestamp and `at` come from the injected clock; each attempt is signed for its own time', async () => {
  let clock = new Date('2031-05-06T07:08:09.987Z')
  await withReceiver(undefined, { now: () => clock }, async (receiver, client) => {
    const first = await client.send(request(receiver.url))
    clock = new Date('2031-05-06T07:09:10.001Z')
    const second = await client.send(request(receiver.url))
    assert.is(first.at.toISOString(), '2031-05-06T07:08:09.987Z')
    assert.is(second.at.toISOString(), '2031-05-06T07:09:10.001Z')
    const [a, b] = receiver.received
    assert.is(a?.headers['webhook-timestamp'], String(Math.floor(Date.parse('2031-05-06T07:08:09.987Z') / 1000)))
    assert.is(b?.headers['webhook-timestamp'], String(Math.floor(Date.parse('2031-05-06T07:09:10.001Z') / 1000)))
    // The library's own signature for that id, time and body is the one sent.
    assert.is(a?.headers['webhook-signature'], new Webhook(secret).sign(eventId, new Date(Math.floor(Date.parse('2031-05-06T07:08:09.987Z') / 1000) * 1000), body))
    assert.is(b?.headers['webhook-signature'], new Webhook(secret).sign(eventId, new Date(Math.floor(Date.parse('2031-05-06T07:09:10.001Z') / 1000) * 1000), body))
    assert.is.not(a?.headers['webhook-signature'], b?.headers['webhook-signature'])
    assert.ok(a?.body.equals(b!.body), 'the same body on every attempt')
  })
})

transport('an empty body and a body of 1 MB are sent as given and verify', async () => {
  await withReceiver(undefined, {}, async (receiver, client) => {
    const big = JSON.stringify({ text: 'ü'.repeat(500_000) })
    for (const sent of ['', big]) {
      const result = await client.send(request(receiver.url, { body: sent }))
      assert.is(result.statusCode, 200)
      const got = receiver.received.at(-1)!
      assert.ok(got.body.equals(Buffer.from(sent, 'utf8')))
      new Webhook(secret).verify(got.body, headerRecord(got.headers))
    }
  })
})

// ------------------------------------------------------------------------------------------- answers

transport('2xx, 4xx and 5xx: the status, no error, the answer as the excerpt', async () => {
  const statuses = [200, 201, 202, 204, 400, 401, 404, 410, 429, 500, 502, 503]
  await withReceiver((req, res) => {
    const status = Number(req.url?.slice(1))
    res.writeHead(status, { 'content-type': 'text/plain' })
    res.end(status === 204 ? undefined : `status ${status}`)
  }, {}, async (receiver, client) => {
    for (const status of statuses) {
      const result = await client.send(request(`${receiver.url}/${status}`))
      assert.is(result.statusCode, status)
      assert.is(result.error, null)
      assert.is(result.responseExcerpt, status === 204 ? '' : `status ${status}`)
    }
    assert.is(receiver.received.length, statuses.length)
    assert.ok(receiver.connections < statuses.length, 'keep-alive: connections are reused')
  })
})

transport('a redirect is not followed: its status, the Location in the error, one request at the receiver', async () => {
  await withReceiver((req, res) => {
    if (req.url === '/moved') res.writeHead(301, { location: `http://127.0.0.1:${(req.socket.address() as AddressInfo).port}/elsewhere` }).end('moved')
    else if (req.url === '/bare') res.writeHead(307).end()
    else res.end('should never be asked')
  }, {}, async (receiver, client) => {
    const result = await client.send(request(`${receiver.url}/moved`))
    assert.is(result.statusCode, 301)
    assert.is(result.error, `redirects are not followed (Location: ${receiver.url}/elsewhere)`)
    assert.is(result.responseExcerpt, 'moved')
    const bare = await client.send(request(`${receiver.url}/bare`))
    assert.is(bare.statusCode, 307)
    assert.is(bare.error, 'redirects are not followed (no Location)')
    await pause(100)
    assert.equal(receiver.received.map((r) => r.url), ['/moved', '/bare'])
  })
})

transport('a receiver that never answers: timed out after the whole-attempt deadline, and the socket is aborted', async () => {
  let serverSocketClosed = false
  await withReceiver((req) => {
    req.socket.on('close', () => { serverSocketClosed = true })
  }, { timeoutMs: 300 }, async (receiver, client) => {
    const result = await client.send(request(receiver.url))
    noResponse(result, 'timed out after 300 ms')
    assert.ok(result.durationMs >= 290 && result.durationMs < 2000, `${result.durationMs} ms`)
    await pause(100)
    assert.ok(serverSocketClosed, 'the client aborted the connection')
  })
})

transport('a receiver that sends the head and then stalls the body also times out (whole attempt); seconds when whole', async () => {
  await withReceiver((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('partial')
  }, { timeoutMs: 1000 }, async (receiver, client) => {
    const result = await client.send(request(receiver.url))
    noResponse(result, 'timed out after 1 s')
    assert.ok(result.durationMs >= 990 && result.durationMs < 3000)
  })
})

transport('a refused connection, a reset connection, a name that does not resolve', async () => {
  const closed = await startReceiver()
  const closedUrl = closed.url
  await closed.close()
  const client = createWebhookTransport({ timeoutMs: 2000, allowPrivate: true, userAgent: 'taskport-webhooks/0.1.0', lookup: canned({}).lookup })
  try {
    noResponse(await client.send(request(`${closedUrl}/hook`)), 'connection refused')
    noResponse(await client.send(request('http://nowhere.test/hook')), 'nowhere.test does not resolve')
  } finally {
    client.close()
  }
  await withReceiver((req) => req.socket.destroy(), {}, async (receiver, c) => {
    const result = await c.send(request(receiver.url))
    assert.is(result.statusCode, null)
    assert.ok(['connection reset', 'connection closed without a response'].includes(result.error ?? ''), result.error ?? '')
  })
})

// ------------------------------------------------------------------------------------------- the excerpt

transport('the excerpt is at most 1024 bytes of UTF-8, never a split character', async () => {
  const answers: Record<string, string> = {
    '/straddle2': `${'a'.repeat(1023)}é and more after it`, // é is bytes 1023-1024
    '/exact2': `${'a'.repeat(1022)}é`, // exactly 1024 bytes
    '/straddle3': `${'a'.repeat(1022)}✓ more`, // ✓ is bytes 1022-1024
    '/straddle4': `${'a'.repeat(1021)}😀 more`, // 😀 is bytes 1021-1024
    '/exact4': `${'a'.repeat(1020)}😀`, // exactly 1024 bytes
    '/small': 'ünï',
    '/long': 'x'.repeat(5000),
  }
  await withReceiver((req, res) => res.end(answers[req.url ?? ''] ?? ''), {}, async (receiver, client) => {
    const excerpt = async (path: string) => (await client.send(request(`${receiver.url}${path}`))).responseExcerpt
    assert.is(await excerpt('/straddle2'), 'a'.repeat(1023))
    assert.is(await excerpt('/exact2'), `${'a'.repeat(1022)}é`)
    assert.is(await excerpt('/straddle3'), 'a'.repeat(1022))
    assert.is(await excerpt('/straddle4'), 'a'.repeat(1021))
    assert.is(await excerpt('/exact4'), `${'a'.repeat(1020)}😀`)
    assert.is(await excerpt('/small'), 'ünï')
    const long = await excerpt('/long')
    assert.is(long, 'x'.repeat(1024))
    assert.is(Buffer.byteLength(await excerpt('/straddle2')), 1023)
  })
})

transport('a 10 MB answer is not read in full: the response is destroyed once past 1 KiB', async () => {
  const total = 10 * 1024 * 1024
  let written = 0
  let serverSawClose = false
  let serverFinished = false
  await withReceiver((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(total) })
    const chunk = Buffer.alloc(64 * 1024, 'z')
    res.on('close', () => { serverSawClose = true })
    const pump = (): void => {
      while (written < total && !res.destroyed) {
        written += chunk.length
        if (!res.write(chunk)) {
          res.once('drain', pump)
          return
        }
      }
      if (written >= total) {
        serverFinished = true
        res.end()
      }
    }
    pump()
  }, {}, async (receiver, client) => {
    const result = await client.send(request(receiver.url))
    assert.is(result.statusCode, 200)
    assert.is(result.error, null)
    assert.is(result.responseExcerpt, 'z'.repeat(1024))
    assert.ok(result.durationMs < 2000)
    await pause(200)
    assert.ok(serverSawClose, 'the connection was closed by the client')
    assert.not.ok(serverFinished, 'the receiver could not write its whole answer')
    assert.ok(written < total, `${written} of ${total} bytes were written`)
  })
})

// ------------------------------------------------------------------------------------------- the guard

transport('rebind.test -> 10.0.0.7 is refused by the lookup: the lookup was asked, no socket to 10.0.0.7, nothing received', async () => {
  await withReceiver(undefined, {}, async (receiver) => {
    const { lookup, calls } = canned({ 'rebind.test': [{ address: '10.0.0.7', family: 4 }] })
    const client = createWebhookTransport({ timeoutMs: 2000, allowPrivate: false, userAgent: 'taskport-webhooks/0.1.0', lookup })
    try {
      const result = await client.send(request(`http://rebind.test:${receiver.port}/hook`))
      noResponse(result, 'refused: rebind.test resolves to 10.0.0.7, a private address')
      assert.equal(calls, ['rebind.test'])
      assert.is(receiver.received.length, 0)
      assert.is(receiver.connections, 0)
      assert.not.ok(offLoopback.includes('10.0.0.7'), 'no socket to 10.0.0.7 was attempted')
    } finally {
      client.close()
    }
  })
})

transport('with allowPrivate, hooks.test -> 127.0.0.1 reaches the loopback receiver; without it, it is refused', async () => {
  await withReceiver((req, res) => res.end(`host ${req.headers.host}`), {}, async (receiver) => {
    const { lookup, calls } = canned({ 'hooks.test': [{ address: '127.0.0.1', family: 4 }] })
    const open = createWebhookTransport({ timeoutMs: 2000, allowPrivate: true, userAgent: 'taskport-webhooks/0.1.0', lookup })
    const guarded = createWebhookTransport({ timeoutMs: 2000, allowPrivate: false, userAgent: 'taskport-webhooks/0.1.0', lookup })
    try {
      const result = await open.send(request(`http://hooks.test:${receiver.port}/hook`))
      assert.is(result.statusCode, 200)
      assert.is(result.responseExcerpt, `host hooks.test:${receiver.port}`)
      new Webhook(secret).verify(receiver.received[0]!.body, headerRecord(receiver.received[0]!.headers))
      const refused = await guarded.send(request(`http://hooks.test:${receiver.port}/hook`))
      noResponse(refused, 'refused: hooks.test resolves to 127.0.0.1, a private address')
      assert.equal(calls, ['hooks.test', 'hooks.test'])
      assert.is(receiver.received.length, 1)
    } finally {
      open.close()
      guarded.close()
    }
  })
})

transport('IP-literal hosts are checked before any connection: http://10.1.2.3/, loopback and mapped literals', async () => {
  await withReceiver(undefined, {}, async (receiver) => {
    const { lookup, calls } = canned({})
    const client = createWebhookTransport({ timeoutMs: 2000, allowPrivate: false, userAgent: 'taskport-webhooks/0.1.0', lookup })
    const before = fence.socketsOpened
    try {
      noResponse(await client.send(request('http://10.1.2.3/')), 'refused: 10.1.2.3 is a private address')
      noResponse(await client.send(request('https://169.254.169.254/latest/meta-data')), 'refused: 169.254.169.254 is a private address')
      noResponse(await client.send(request(`${receiver.url}/hook`)), 'refused: 127.0.0.1 is a private address')
      noResponse(await client.send(request(`http://[::ffff:127.0.0.1]:${receiver.port}/`)), 'refused: ::ffff:7f00:1 is a private address')
      noResponse(await client.send(request(`http://[::1]:${receiver.port}/`)), 'refused: ::1 is a private address')
      noResponse(await client.send(request(`http://0.0.0.0:${receiver.port}/`)), 'refused: 0.0.0.0 is a private address')
      assert.is(fence.socketsOpened, before, 'no socket was opened')
      assert.equal(calls, [], 'literals are not resolved')
      assert.is(receiver.connections, 0)
    } finally {
      client.close()
    }
  })
})

// ------------------------------------------------------------------------------------------- robustness

transport('never throws: bad URLs, schemes and header values are failed attempts', async () => {
  const client = createWebhookTransport({ timeoutMs: 1000, allowPrivate: true, userAgent: 'taskport-webhooks/0.1.0', lookup: canned({}).lookup })
  const badAgent = createWebhookTransport({ timeoutMs: 1000, allowPrivate: true, userAgent: 'bad\r\nX-Injected: 1', lookup: canned({}).lookup })
  const before = fence.socketsOpened
  try {
    noResponse(await client.send(request('not a url')), 'invalid URL')
    noResponse(await client.send(request('ftp://127.0.0.1/')), 'unsupported scheme ftp:')
    const injected = await badAgent.send(request('http://127.0.0.1:9/'))
    assert.is(injected.statusCode, null)
    assert.match(injected.error ?? '', /^invalid request header/)
    const badId = await client.send(request('http://127.0.0.1:9/', { eventId: 'evt\n1' }))
    assert.match(badId.error ?? '', /^invalid request header/)
    assert.is(fence.socketsOpened, before)
  } finally {
    client.close()
    badAgent.close()
  }
})

transport('keep-alive per origin: sequential attempts share a connection; close() destroys it', async () => {
  let serverSocketClosed = false
  await withReceiver((req, res) => {
    req.socket.once('close', () => { serverSocketClosed = true })
    res.end('ok')
  }, { maxSocketsPerOrigin: 2 }, async (receiver, client) => {
    for (let i = 0; i < 3; i += 1) assert.is((await client.send(request(receiver.url))).statusCode, 200)
    assert.is(receiver.connections, 1)
    const parallel = await Promise.all(Array.from({ length: 6 }, () => client.send(request(receiver.url))))
    assert.ok(parallel.every((r) => r.statusCode === 200))
    assert.ok(receiver.connections <= 2, `at most 2 sockets per origin (${receiver.connections})`)
    client.close()
    await pause(100)
    assert.ok(serverSocketClosed, 'the idle keep-alive socket was destroyed')
    // Still usable after close(): a new agent is made.
    assert.is((await client.send(request(receiver.url))).statusCode, 200)
  })
})

transport.run()
