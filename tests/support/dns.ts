// Canned DNS for the tests of outgoing webhooks: a `lookup` that answers from a table and never sends a query,
// so that no test resolves a real name or learns of an address off this machine.
import type { LookupAddress } from 'node:dns'
import { isIP } from 'node:net'
import type { Lookup } from '../../src/adapters/webhooks/address-guard.js'

/** Answers `names` (name -> addresses); every other name is ENOTFOUND. Records the names asked. */
export const cannedLookup = (names: Readonly<Record<string, readonly string[]>> = {}) => {
  const asked: string[] = []
  const lookup: Lookup = (hostname, options, callback) => {
    asked.push(hostname)
    const answer: LookupAddress[] = (names[hostname] ?? []).map((address) => ({ address, family: isIP(address) }))
    const list = options.family === 4 || options.family === 6 ? answer.filter((a) => a.family === options.family) : answer
    setImmediate(() => {
      if (list.length === 0) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), options.all ? [] : '', undefined)
      if (options.all) return callback(null, list)
      const [first] = list as [LookupAddress]
      callback(null, first.address, first.family)
    })
  }
  return { lookup, asked }
}
