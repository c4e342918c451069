// The import use case over the in-memory adapters, with a VendorClient test double at its port: a page applies in
// one transaction, an item refused for its identity fails alone, and the answer's warnings name their items (the
// first 1,000; the rest are counted). The GitHub client itself is tested against a fake GitHub over HTTP.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { ImportPage, VendorClient } from '../../../src/application/index.js'
import { aesGcmCipher } from '../../../src/adapters/system/index.js'
import { IMPORT_WARNINGS_MAX } from '../../../src/application/integrations/import-items.js'
import { fixture, right } from '../../support/app-fixture.js'

const item = (externalId: string, name: string) => ({ kind: 'item' as const, payload: { source: 'github' as const, externalId, name } })

const setup = async (pages: ImportPage[]) => {
  const client: VendorClient = {
    importItems: async function* () { yield* pages },
    createItem: async () => ({ externalId: 'x', externalUrl: null }),
  }
  const f = fixture({ cipher: aesGcmCipher(Buffer.alloc(32, 1)), vendors: { github: client } })
  const owner = await f.human('wes')
  const pid = await f.project(owner, 'imports')
  const { integration } = right(await f.tp.integrations.create(owner, pid, { type: 'github', accessToken: 't', settings: { owner: 'acme', repo: 'app' } }))
  return { f, run: () => f.tp.integrations.import(owner, pid, integration.id) }
}

test('an item refused for its identity fails alone: the rest of its page is imported', async () => {
  const { f, run } = await setup([{ items: [item('acme/app#1', 'one'), item('x'.repeat(256), 'bad id'), item('acme/app#3', 'three'), { kind: 'skip', reason: 'pull request' }] }])
  const summary = right(await run())
  assert.equal({ ...summary, errors: summary.errors.map((e) => e.external_id) }, { created: 2, skipped: 1, failed: 1, errors: ['x'.repeat(256)], warnings: [] })
  assert.equal([...f.adapters.db.snapshot().links.values()].map((l) => l.externalId).sort(), ['acme/app#1', 'acme/app#3'])
})

test('warnings name their items, once each even when the page fell back to one item at a time', async () => {
  const { run } = await setup([{ items: [item('acme/app#1', 'n'.repeat(501)), item('x'.repeat(256), 'bad id'), item('acme/app#2', 'fine')] }])
  const summary = right(await run())
  assert.equal(summary.warnings, [{ external_id: 'acme/app#1', warning: 'name truncated from 501 to 500 characters' }])
  assert.is(summary.created, 2)
})

test(`at most ${IMPORT_WARNINGS_MAX} warnings are listed; the rest are counted`, async () => {
  const items = Array.from({ length: IMPORT_WARNINGS_MAX + 5 }, (_, i) => item(`acme/app#${i + 1}`, 'n'.repeat(501)))
  const summary = right(await (await setup([{ items: items.slice(0, 600) }, { items: items.slice(600) }])).run())
  assert.is(summary.created, IMPORT_WARNINGS_MAX + 5)
  assert.is(summary.warnings.length, IMPORT_WARNINGS_MAX)
  assert.is(summary.warnings_truncated, 5)
  assert.equal(summary.warnings[IMPORT_WARNINGS_MAX - 1], { external_id: `acme/app#${IMPORT_WARNINGS_MAX}`, warning: 'name truncated from 501 to 500 characters' })
})

test.run()
