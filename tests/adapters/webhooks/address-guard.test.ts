// The SSRF guard of outgoing webhooks: which addresses are private, the socket `lookup` that refuses them on the
// address actually connected to, and the UrlGuard of endpoint creation. Names are resolved only by injected
// lookups with canned answers (no DNS); the only sockets opened go to receivers of this file on 127.0.0.1, and a
// fence destroys (and records) any socket of this process that would reach another address.
import type { LookupAddress, LookupOptions } from 'node:dns'
import { createServer, request } from 'node:http'
import type { RequestOptions, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { fence } from '../../support/loopback-fence.js'
import {
  dnsUrlGuard, guardedLookup, isPrivateAddress, PRIVATE_ADDRESS_CODE,
} from '../../../src/adapters/webhooks/address-guard.js'
import type { Lookup } from '../../../src/adapters/webhooks/address-guard.js'

// ------------------------------------------------------------------------------------------- the network fence

const { offLoopback, looked } = fence

// ------------------------------------------------------------------------------------------- helpers

interface Call { readonly hostname: string; readonly options: LookupOptions }

/** An injected lookup with canned answers; it records its calls and never opens a socket. */
const cannedLookup = (answers: Record<string, readonly LookupAddress[] | NodeJS.ErrnoException>) => {
  const calls: Call[] = []
  const lookup: Lookup = (hostname, options, callback) => {
    calls.push({ hostname, options: { ...options } })
    const answer = answers[hostname] ?? Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
    setImmediate(() => {
      if (answer instanceof Error) return callback(answer, options.all ? [] : '', undefined)
      const list = options.family === 4 || options.family === 6 ? answer.filter((a) => a.family === options.family) : [...answer]
      if (options.all) return callback(null, list)
      const first = list[0]
      if (first === undefined) return callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), '', undefined)
      callback(null, first.address, first.family)
    })
  }
  return { lookup, calls }
}

const v4 = (address: string): LookupAddress => ({ address, family: 4 })
const v6 = (address: string): LookupAddress => ({ address, family: 6 })

/** Records the options node's sockets call a lookup with. */
const spied = (inner: Lookup) => {
  const seen: LookupOptions[] = []
  const lookup: Lookup = (hostname, options, callback) => {
    seen.push({ ...options })
    inner(hostname, options, callback)
  }
  return { lookup, seen }
}

/** Calls a lookup directly, as a socket would. */
const resolveWith = (lookup: Lookup, hostname: string, options: LookupOptions) =>
  new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family: number | undefined }>((resolve) => {
    lookup(hostname, options, (err, address, family) => resolve({ err, address, family }))
  })

interface Receiver { readonly port: number; readonly server: Server; requests: number; close(): Promise<void> }

const startReceiver = async (): Promise<Receiver> => {
  const server = createServer()
  const receiver = {
    port: 0,
    server,
    requests: 0,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
  server.on('request', (req, res) => {
    receiver.requests += 1
    req.resume()
    req.on('end', () => res.end(`hello ${req.headers.host}`))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.port = (server.address() as AddressInfo).port
  return receiver
}

/** A GET through node's http client with a guarded lookup: the status and body, or the error. */
const get = (url: string, lookup: Lookup, autoSelectFamily: boolean) =>
  new Promise<{ status?: number; body?: string; error?: NodeJS.ErrnoException }>((resolve) => {
    // autoSelectFamily is missing from the RequestOptions of @types/node 20 (node passes it on to net.connect).
    const options: RequestOptions & { autoSelectFamily: boolean } = { lookup, autoSelectFamily, agent: false }
    const req = request(url, options, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error }))
    req.end()
  })

const guard = suite('webhooks: address guard')

guard.after.each(() => {
  assert.equal(offLoopback, [], 'no socket may go anywhere but loopback')
})

// ------------------------------------------------------------------------------------------- isPrivateAddress

guard('isPrivateAddress: every private, local and reserved range, IPv4 and IPv6', () => {
  const privateOnes = [
    // loopback
    '127.0.0.1', '127.255.255.254', '::1',
    // private
    '10.0.0.0', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.0.1', '192.168.255.255',
    // CGNAT
    '100.64.0.0', '100.127.255.255',
    // link-local
    '169.254.0.1', '169.254.169.254', 'fe80::1', 'febf:ffff::1', 'fe80::1%eth0',
    // unique-local
    'fc00::1', 'fd12:3456:789a::1',
    // site-local (deprecated)
    'fec0::1',
    // unspecified and "this network"
    '0.0.0.0', '0.255.255.255', '::',
    // multicast and reserved
    '224.0.0.1', '239.255.255.255', '240.0.0.1', '255.255.255.255', 'ff02::1', 'ff0e::1',
    // benchmarking
    '198.18.0.1', '198.19.255.255',
    // IPv4-mapped, -translated and -compatible forms
    '::ffff:10.0.0.1', '::ffff:a00:1', '::ffff:7f00:1', '::ffff:127.0.0.1', '::ffff:169.254.169.254', '::ffff:0.0.0.0',
    '::ffff:192.168.1.1', '::ffff:0:10.0.0.1', '::127.0.0.1', '::10.0.0.1', '0:0:0:0:0:ffff:7f00:0001',
    // NAT64 of private IPv4, and the local-use NAT64 prefix
    '64:ff9b::10.0.0.1', '64:ff9b::a00:1', '64:ff9b::7f00:1', '64:ff9b::169.254.169.254', '64:ff9b:1::8.8.8.8',
    // 6to4 of a private IPv4
    '2002:a00:1::1', '2002:7f00:1::',
    // bracketed literal, and strings that are no address at all (fail closed)
    '[::1]', 'hooks.test', '', '127.1', '1.2.3',
  ]
  for (const address of privateOnes) assert.ok(isPrivateAddress(address), `${address} is private`)
})

guard('isPrivateAddress: public addresses, also right next to the private ranges', () => {
  const publicOnes = [
    '93.184.216.34', '8.8.8.8', '1.1.1.1', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0',
    '126.255.255.255', '128.0.0.0', '169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.0',
    '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255',
    '2606:2800:220:1:248:1893:25c8:1946', '2001:4860:4860::8888', '2a00:1450:4001:81b::200e', 'fbff:ffff::1',
    'fe7f::1', '::ffff:93.184.216.34', '::ffff:5db8:d822', '64:ff9b::93.184.216.34',
    '64:ff9b::808:808', '2002:5db8:d822::1', '1::',
  ]
  for (const address of publicOnes) assert.not.ok(isPrivateAddress(address), `${address} is public`)
})

// ------------------------------------------------------------------------------------------- guardedLookup, called directly

guard('guardedLookup: all=true answers every address; all=false one address with its family; options pass through', async () => {
  const { lookup, calls } = cannedLookup({ 'hooks.test': [v4('93.184.216.34'), v6('2606:2800:220:1:248:1893:25c8:1946')] })
  const guarded = guardedLookup({ allowPrivate: false, lookup })
  const before = fence.socketsOpened

  const all = await resolveWith(guarded, 'hooks.test', { all: true, hints: 32 })
  assert.is(all.err, null)
  assert.equal(all.address, [v4('93.184.216.34'), v6('2606:2800:220:1:248:1893:25c8:1946')])

  const one = await resolveWith(guarded, 'hooks.test', {})
  assert.is(one.err, null)
  assert.is(one.address, '93.184.216.34')
  assert.is(one.family, 4)

  const six = await resolveWith(guarded, 'hooks.test', { family: 6, hints: 8 })
  assert.is(six.address, '2606:2800:220:1:248:1893:25c8:1946')
  assert.is(six.family, 6)

  const sixAll = await resolveWith(guarded, 'hooks.test', { family: 6, all: true })
  assert.equal(sixAll.address, [v6('2606:2800:220:1:248:1893:25c8:1946')])

  // The inner lookup is always asked for every address, with the caller's family and hints.
  assert.ok(calls.every((c) => c.options.all === true && c.hostname === 'hooks.test'))
  assert.is(calls[0]?.options.hints, 32)
  assert.is(calls[2]?.options.family, 6)
  assert.is(calls[2]?.options.hints, 8)
  assert.is(fence.socketsOpened, before, 'nothing was connected to')
})

guard('guardedLookup: refuses when any resolved address is private, in both answer shapes', async () => {
  const { lookup, calls } = cannedLookup({
    'rebind.test': [v4('10.0.0.7')],
    'mixed.test': [v4('93.184.216.34'), v4('127.0.0.1')],
    'mapped.test': [v6('::ffff:169.254.169.254')],
    'v6only.test': [v4('93.184.216.34'), v6('fd00::1')],
  })
  const guarded = guardedLookup({ allowPrivate: false, lookup })
  const before = fence.socketsOpened
  const cases: [string, string, 4 | 6][] = [
    ['rebind.test', '10.0.0.7', 4], ['mixed.test', '127.0.0.1', 4], ['mapped.test', '::ffff:169.254.169.254', 6], ['v6only.test', 'fd00::1', 6],
  ]
  for (const [host, address, family] of cases) {
    for (const options of [{ all: true }, {}, { family, hints: 32 }] as LookupOptions[]) {
      const answer = await resolveWith(guarded, host, options)
      assert.ok(answer.err, `${host} ${JSON.stringify(options)} refused`)
      assert.is(answer.err?.code, PRIVATE_ADDRESS_CODE)
      assert.is(answer.err?.message, `refused: ${host} resolves to ${address}, a private address`)
    }
  }
  assert.is(calls.length, 12)
  assert.is(fence.socketsOpened, before)
})

guard('guardedLookup: allowPrivate answers private addresses; lookup errors and empty answers fail the connection', async () => {
  const { lookup } = cannedLookup({
    'hooks.test': [v4('127.0.0.1')],
    'empty.test': [],
    'flaky.test': Object.assign(new Error('getaddrinfo EAI_AGAIN flaky.test'), { code: 'EAI_AGAIN' }),
  })
  const open = guardedLookup({ allowPrivate: true, lookup })
  const before = fence.socketsOpened
  const one = await resolveWith(open, 'hooks.test', {})
  assert.is(one.err, null)
  assert.is(one.address, '127.0.0.1')
  assert.equal((await resolveWith(open, 'hooks.test', { all: true })).address, [v4('127.0.0.1')])

  assert.is((await resolveWith(open, 'nowhere.test', { all: true })).err?.code, 'ENOTFOUND')
  assert.is((await resolveWith(open, 'empty.test', {})).err?.code, 'ENOTFOUND')
  assert.is((await resolveWith(open, 'flaky.test', {})).err?.code, 'EAI_AGAIN')
  assert.is((await resolveWith(open, 'hooks.test', { family: 6 })).err?.code, 'ENOTFOUND', 'no address of the family asked for')

  // A lookup that ignores `all` and answers one address is understood too.
  const single: Lookup = (_host, _options, callback) => callback(null, '10.9.9.9', 4)
  const refused = await resolveWith(guardedLookup({ allowPrivate: false, lookup: single }), 'single.test', { all: true })
  assert.is(refused.err?.code, PRIVATE_ADDRESS_CODE)
  const throwing: Lookup = () => { throw Object.assign(new Error('boom'), { code: 'EBOOM' }) }
  assert.is((await resolveWith(guardedLookup({ allowPrivate: false, lookup: throwing }), 'x.test', {})).err?.code, 'EBOOM')
  assert.is(fence.socketsOpened, before)
})

// ------------------------------------------------------------------------------------------- guardedLookup in node's http client

guard('in http.request: rebind.test -> 10.0.0.7 is refused by the lookup; no socket reaches 10.0.0.7 (both lookup modes)', async () => {
  const receiver = await startReceiver()
  try {
    for (const autoSelectFamily of [true, false]) {
      const { lookup, calls } = cannedLookup({ 'rebind.test': [v4('10.0.0.7')] })
      const node = spied(guardedLookup({ allowPrivate: false, lookup }))
      const result = await get(`http://rebind.test:${receiver.port}/hook`, node.lookup, autoSelectFamily)
      assert.is(result.error?.code, PRIVATE_ADDRESS_CODE)
      assert.is(result.error?.message, 'refused: rebind.test resolves to 10.0.0.7, a private address')
      assert.is(calls.length, 1, 'the injected lookup was asked')
      // node asks for every address when it may try several (autoSelectFamily), else for one.
      assert.is(node.seen.length, 1)
      assert.is(node.seen[0]?.all === true, autoSelectFamily)
    }
    assert.is(receiver.requests, 0)
    assert.not.ok(offLoopback.includes('10.0.0.7'), 'no socket to 10.0.0.7 was attempted')
  } finally {
    await receiver.close()
  }
})

guard('in http.request: with allowPrivate, hooks.test -> 127.0.0.1 reaches the loopback receiver; without it, it is refused', async () => {
  const receiver = await startReceiver()
  const [opened, lookedBefore] = [fence.socketsOpened, looked.length]
  try {
    for (const autoSelectFamily of [true, false]) {
      const { lookup, calls } = cannedLookup({ 'hooks.test': [v4('127.0.0.1')] })
      const node = spied(guardedLookup({ allowPrivate: true, lookup }))
      const result = await get(`http://hooks.test:${receiver.port}/hook`, node.lookup, autoSelectFamily)
      assert.is(node.seen[0]?.all === true, autoSelectFamily)
      assert.is(result.error, undefined)
      assert.is(result.status, 200)
      assert.is(result.body, `hello hooks.test:${receiver.port}`)
      assert.is(calls.length, 1)
    }
    assert.is(receiver.requests, 2)
    assert.is(fence.socketsOpened - opened, 2, 'the fence sees every socket')
    assert.equal(looked.slice(lookedBefore), ['127.0.0.1', '127.0.0.1'], 'and the address each connects to')
    const { lookup } = cannedLookup({ 'hooks.test': [v4('127.0.0.1')] })
    const refused = await get(`http://hooks.test:${receiver.port}/hook`, guardedLookup({ allowPrivate: false, lookup }), true)
    assert.is(refused.error?.message, 'refused: hooks.test resolves to 127.0.0.1, a private address')
    assert.is(receiver.requests, 2, 'the refused request never arrived')
  } finally {
    await receiver.close()
  }
})

// ------------------------------------------------------------------------------------------- dnsUrlGuard

guard('dnsUrlGuard: names resolving to public addresses are accepted (nothing is connected to)', async () => {
  const { lookup, calls } = cannedLookup({
    'hooks.test': [v4('93.184.216.34')],
    'dual.test': [v4('93.184.216.34'), v6('2606:2800:220:1:248:1893:25c8:1946')],
  })
  const urlGuard = dnsUrlGuard({ allowPrivate: false, lookup })
  const before = fence.socketsOpened
  assert.is(await urlGuard.refusal('https://hooks.test/webhooks?x=1'), undefined)
  assert.is(await urlGuard.refusal('http://dual.test:8080/'), undefined)
  assert.is(await urlGuard.refusal('https://93.184.216.34/hook'), undefined)
  assert.is(await urlGuard.refusal('https://[2606:2800:220:1:248:1893:25c8:1946]/hook'), undefined)
  assert.equal(calls.map((c) => [c.hostname, c.options.all]), [['hooks.test', true], ['dual.test', true]], 'IP literals are not resolved')
  assert.is(fence.socketsOpened, before)
})

guard('dnsUrlGuard: private names and literals, unresolvable names and bad URLs are refused with a one-line reason', async () => {
  const { lookup, calls } = cannedLookup({
    'rebind.test': [v4('10.0.0.7')],
    'mixed.test': [v4('93.184.216.34'), v6('::1')],
    'metadata.test': [v4('169.254.169.254')],
    'empty.test': [],
    'flaky.test': Object.assign(new Error('getaddrinfo EAI_AGAIN flaky.test'), { code: 'EAI_AGAIN' }),
  })
  const urlGuard = dnsUrlGuard({ allowPrivate: false, lookup })
  const before = fence.socketsOpened
  const expected: [string, string][] = [
    ['https://rebind.test/hook', 'url: rebind.test resolves to 10.0.0.7, a private address'],
    ['https://mixed.test/hook', 'url: mixed.test resolves to ::1, a private address'],
    ['http://metadata.test/latest', 'url: metadata.test resolves to 169.254.169.254, a private address'],
    ['https://nowhere.test/hook', 'url: nowhere.test does not resolve'],
    ['https://empty.test/hook', 'url: empty.test does not resolve'],
    ['https://flaky.test/hook', 'url: flaky.test could not be resolved (EAI_AGAIN)'],
    ['http://10.1.2.3/', 'url: 10.1.2.3 is a private address'],
    ['http://[::1]/', 'url: ::1 is a private address'],
    ['http://[::1]:8080/hook', 'url: ::1 is a private address'],
    ['http://0.0.0.0/', 'url: 0.0.0.0 is a private address'],
    ['http://[::ffff:127.0.0.1]/', 'url: ::ffff:7f00:1 is a private address'],
    ['http://[::]/', 'url: :: is a private address'],
    ['http://127.1/', 'url: 127.0.0.1 is a private address'],
    ['http://2130706433/', 'url: 127.0.0.1 is a private address'],
    ['http://0x7f.0.0.1/', 'url: 127.0.0.1 is a private address'],
    ['http://[fe80::1]/', 'url: fe80::1 is a private address'],
    ['http://192.168.1.10:8080/', 'url: 192.168.1.10 is a private address'],
    ['not a url', 'url: is not a valid URL'],
    ['ftp://hooks.test/x', 'url: must be an http or https URL'],
  ]
  for (const [url, reason] of expected) {
    const refusal = await urlGuard.refusal(url)
    assert.is(refusal, reason, url)
    assert.not.ok(/error/i.test(refusal ?? ''), 'no "Error" in the reason')
    assert.not.ok((refusal ?? '').includes('\n'))
  }
  assert.equal(calls.map((c) => c.hostname), ['rebind.test', 'mixed.test', 'metadata.test', 'nowhere.test', 'empty.test', 'flaky.test'])
  assert.is(fence.socketsOpened, before)
})

guard('dnsUrlGuard: a lookup that never answers is refused after the resolve timeout', async () => {
  const hanging: Lookup = () => undefined
  const refusal = await dnsUrlGuard({ allowPrivate: false, lookup: hanging, resolveTimeoutMs: 50 }).refusal('https://slow.test/')
  assert.is(refusal, 'url: slow.test could not be resolved within 0.05 s')
})

guard('dnsUrlGuard with allowPrivate: private hosts are accepted and nothing is resolved', async () => {
  const { lookup, calls } = cannedLookup({ 'rebind.test': [v4('10.0.0.7')] })
  const urlGuard = dnsUrlGuard({ allowPrivate: true, lookup })
  for (const url of ['http://127.0.0.1:3000/hook', 'http://[::1]/', 'http://rebind.test/', 'http://nowhere.test/']) {
    assert.is(await urlGuard.refusal(url), undefined, url)
  }
  assert.is(calls.length, 0)
  assert.is(await urlGuard.refusal('mailto:a@b.test'), 'url: must be an http or https URL')
})

guard.run()
