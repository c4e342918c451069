// Where outgoing webhooks may connect to (the contract's SSRF rule): unless private networks are allowed, no
// delivery reaches a loopback, private, link-local, unique-local, unspecified, multicast or reserved address.
// Two checks: `dnsUrlGuard` refuses such URLs when an endpoint is created or changed, and `guardedLookup` is the
// `lookup` of the delivery's sockets, so the address actually connected to is checked again on every connection
// (a name that resolved to a public address at creation and to 10.0.0.7 now, DNS rebinding, is still refused).
import { lookup as dnsLookup } from 'node:dns'
import type { LookupAddress, LookupOptions } from 'node:dns'
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import type { LookupFunction } from 'node:net'
import type { UrlGuard } from '../../application/index.js'

/** The `code` of the error a refused connection fails with. */
export const PRIVATE_ADDRESS_CODE = 'ETASKPORT_PRIVATE_ADDRESS'

/** A connection refused because its host resolves to a private address (`code` = PRIVATE_ADDRESS_CODE). */
export class PrivateAddressError extends Error {
  readonly code = PRIVATE_ADDRESS_CODE
  constructor(readonly host: string, readonly address: string) {
    super(`refused: ${host} resolves to ${address}, a private address`)
    this.name = 'PrivateAddressError'
  }
}

/** A resolver with the signature of `dns.lookup` (and of node's `http.request({ lookup })`). */
export type Lookup = LookupFunction

export interface AddressGuardOptions {
  /** `TASKPORT_WEBHOOK_ALLOW_PRIVATE`: when true nothing is refused. */
  readonly allowPrivate: boolean
  /** Resolves names; `dns.lookup` unless given (tests inject canned answers). */
  readonly lookup?: Lookup | undefined
}

// ------------------------------------------------------------------------------------------- the address ranges

const V4_RANGES: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services)
  ['172.16.0.0', 12], // private
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 (broadcast)
]

/** IPv6 ranges that are private whatever follows (the ranges that embed an IPv4 address are handled apart). */
const V6_RANGES: readonly (readonly [string, number])[] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still not routable)
  ['ff00::', 8], // multicast
  ['64:ff9b:1::', 48], // NAT64 for local use (RFC 8215): the IPv4 side is a local network
]

const v4Blocked = new BlockList()
for (const [network, prefix] of V4_RANGES) v4Blocked.addSubnet(network, prefix, 'ipv4')
const v6Blocked = new BlockList()
for (const [network, prefix] of V6_RANGES) v6Blocked.addSubnet(network, prefix, 'ipv6')

/** The 16 bytes of a valid IPv6 address (without a zone), also when it ends with a dotted IPv4 part. */
const ipv6Bytes = (address: string): Uint8Array => {
  let text = address
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const groups = (part: string): number[] => part.split(':').filter((g) => g !== '').map((g) => Number.parseInt(g, 16))
  const before = groups(head)
  const after = tail === undefined ? [] : groups(tail)
  const all = [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after]
  const bytes = new Uint8Array(16)
  all.forEach((group, i) => {
    bytes[2 * i] = group >> 8
    bytes[2 * i + 1] = group & 0xff
  })
  return bytes
}

const v4Of = (bytes: Uint8Array, at: number): string => Array.from(bytes.subarray(at, at + 4)).join('.')
const zeros = (bytes: Uint8Array, from: number, to: number): boolean => bytes.subarray(from, to).every((b) => b === 0)

/** The IPv4 address an IPv6 address stands for, if it is one of the forms that embed one. */
const embeddedV4 = (bytes: Uint8Array): string | undefined => {
  // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765)
  if (zeros(bytes, 0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return v4Of(bytes, 12)
  if (zeros(bytes, 0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zeros(bytes, 10, 12)) return v4Of(bytes, 12)
  // ::a.b.c.d (IPv4-compatible, deprecated; includes :: and ::1, which are private as 0.0.0.0/8 anyway)
  if (zeros(bytes, 0, 12)) return v4Of(bytes, 12)
  // 64:ff9b::a.b.c.d (NAT64, RFC 6052)
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(bytes, 4, 12)) return v4Of(bytes, 12)
  // 2002:aabb:ccdd::/48 (6to4): the relay reaches a.b.c.d
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4Of(bytes, 2)
  return undefined
}

/**
 * Whether a delivery must not connect to this address: loopback, private, CGNAT, link-local, unique-local,
 * unspecified, multicast, reserved or benchmarking, in IPv4 or IPv6, also in the IPv6 forms that embed an IPv4
 * address (mapped, compatible, NAT64, 6to4). A string that is not an IP address counts as private (fail closed).
 */
export const isPrivateAddress = (address: string): boolean => {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  if (isIPv4(bare)) return v4Blocked.check(bare, 'ipv4')
  const unzoned = bare.replace(/%.*$/, '')
  if (!isIPv6(unzoned)) return true
  const v4 = embeddedV4(ipv6Bytes(unzoned))
  if (v4 !== undefined && v4Blocked.check(v4, 'ipv4')) return true
  return v6Blocked.check(unzoned, 'ipv6')
}

// ------------------------------------------------------------------------------------------- lookups

const defaultLookup: Lookup = (hostname, options, callback) => dnsLookup(hostname, options, callback)

/** Resolves every address of a name through a lookup, whatever shape its callback answers in. */
const resolveAll = (lookup: Lookup, hostname: string, options: LookupOptions, done: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void): void => {
  let called = false
  const once = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]): void => {
    if (called) return
    called = true
    done(err, addresses)
  }
  try {
    lookup(hostname, { ...options, all: true }, (err, address, family) => {
      if (err) return once(err, [])
      if (Array.isArray(address)) return once(null, address)
      if (typeof address === 'string') return once(null, [{ address, family: family ?? (isIPv6(address) ? 6 : 4) }])
      once(null, [])
    })
  } catch (error) {
    once(error instanceof Error ? error : new Error(String(error)), [])
  }
}

const notFound = (hostname: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname })

const wantedFamily = (family: LookupOptions['family']): 4 | 6 | undefined =>
  family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : undefined

/**
 * A `lookup` for node's sockets (`http.request({ lookup })`): resolves through `lookup` (default `dns.lookup`) and
 * fails the connection with a PrivateAddressError when any resolved address is private, unless `allowPrivate`.
 * Answers in the shape asked for: an array with `options.all`, else one address and its family.
 */
export const guardedLookup = ({ allowPrivate, lookup = defaultLookup }: AddressGuardOptions): Lookup =>
  (hostname, options, callback) => {
    const opts: LookupOptions = options ?? {}
    resolveAll(lookup, hostname, opts, (err, resolved) => {
      if (err) return callback(err, opts.all ? [] : '', undefined)
      if (!allowPrivate) {
        const refused = resolved.find((entry) => isPrivateAddress(entry.address))
        if (refused) return callback(new PrivateAddressError(hostname, refused.address), opts.all ? [] : '', undefined)
      }
      const family = wantedFamily(opts.family)
      const addresses = family === undefined ? resolved : resolved.filter((entry) => entry.family === family)
      const first = addresses[0]
      if (first === undefined) return callback(notFound(hostname), opts.all ? [] : '', undefined)
      if (opts.all) return callback(null, addresses)
      callback(null, first.address, first.family)
    })
  }

// ------------------------------------------------------------------------------------------- the UrlGuard port

export interface DnsUrlGuardOptions extends AddressGuardOptions {
  /** How long resolving a name may take before the URL is refused (default 5 s). */
  readonly resolveTimeoutMs?: number
}

/**
 * The UrlGuard for creating and changing endpoints: an IP-literal host is checked as it is; a name is resolved
 * (all its addresses) and refused when any is private or when it does not resolve. With `allowPrivate` every
 * URL is accepted and nothing is resolved.
 */
export const dnsUrlGuard = ({ allowPrivate, lookup = defaultLookup, resolveTimeoutMs = 5000 }: DnsUrlGuardOptions): UrlGuard => ({
  refusal: async (url) => {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return 'url: is not a valid URL'
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'url: must be an http or https URL'
    if (allowPrivate) return undefined
    const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname
    if (host === '') return 'url: must name a host'
    if (isIPv4(host) || isIPv6(host)) return isPrivateAddress(host) ? `url: ${host} is a private address` : undefined
    const answer = await new Promise<{ err: NodeJS.ErrnoException | null; addresses: LookupAddress[] } | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), resolveTimeoutMs)
      resolveAll(lookup, host, {}, (err, addresses) => {
        clearTimeout(timer)
        resolve({ err, addresses })
      })
    })
    if (answer === 'timeout') return `url: ${host} could not be resolved within ${resolveTimeoutMs / 1000} s`
    if (answer.err) {
      const code = answer.err.code
      return code === 'ENOTFOUND' || code === 'ENODATA' || code === undefined
        ? `url: ${host} does not resolve`
        : `url: ${host} could not be resolved (${code})`
    }
    if (answer.addresses.length === 0) return `url: ${host} does not resolve`
    const refused = answer.addresses.find((entry) => isPrivateAddress(entry.address))
    return refused ? `url: ${host} resolves to ${refused.address}, a private address` : undefined
  },
})
