// Integration credentials in the use cases: sealed on creation, opened only to verify or call a vendor; a server
// without a key, or with a key that did not seal them, answers Unavailable (503) instead of failing.
import * as E from 'fp-ts/lib/Either.js'
import { randomBytes } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { inMemoryAdapters } from '../../../src/adapters/persistence/memory/index.js'
import { aesGcmCipher } from '../../../src/adapters/system/index.js'
import { WEBHOOK_VENDORS } from '../../../src/adapters/vendors/index.js'
import { createTaskport } from '../../../src/application/taskport.js'

const setup = async () => {
  const adapters = inMemoryAdapters()
  const key = randomBytes(32)
  const tp = createTaskport({ ...adapters, cipher: aesGcmCipher(key), webhooks: WEBHOOK_VENDORS })
  const caller = await tp.identify({ kind: 'user', userId: 'sso|kai', email: 'kai@example.com' })
  if (E.isLeft(caller)) throw new Error('identify failed')
  const project = (await tp.projects.list(caller.right, {}))
  if (E.isLeft(project)) throw new Error('list failed')
  const pid = project.right.items[0]?.project.id ?? 0
  const created = await tp.integrations.create(caller.right, pid, { type: 'github', accessToken: 'ghp_kai', settings: { owner: 'o', repo: 'r' } })
  if (E.isLeft(created)) throw new Error(JSON.stringify(created.left))
  return { adapters, key, caller: caller.right, pid, integration: created.right.integration, secret: created.right.webhookSecret }
}

const request = { rawBody: Buffer.from('{}'), header: () => undefined, body: {} }

test('sealed on creation: neither the token nor the secret is stored in clear', async () => {
  const { adapters, integration, secret, key } = await setup()
  const stored = adapters.db.snapshot().integrations.get(integration.id)
  assert.ok(stored)
  assert.not.ok(JSON.stringify(stored).includes('ghp_kai') || JSON.stringify(stored).includes(secret))
  assert.is(aesGcmCipher(key).open(stored?.accessTokenSealed ?? ''), 'ghp_kai')
})

test('without a key, or with another key, the webhook and import answer Unavailable', async () => {
  const { adapters, caller, pid, integration } = await setup()
  const keyless = createTaskport({ ...adapters, cipher: undefined, webhooks: WEBHOOK_VENDORS })
  const noKey = await keyless.integrations.receiveWebhook(integration.id, request)
  assert.ok(E.isLeft(noKey) && noKey.left._tag === 'Unavailable' && noKey.left.reason.includes('TASKPORT_SECRET_KEY'))
  const created = await keyless.integrations.create(caller, pid, { type: 'linear', accessToken: 't', settings: { team_id: 'T' } })
  assert.ok(E.isLeft(created) && created.left._tag === 'Unavailable')
  const wrong = createTaskport({ ...adapters, cipher: aesGcmCipher(randomBytes(32)), webhooks: WEBHOOK_VENDORS, vendors: { github: { createItem: async () => ({ externalId: 'x', externalUrl: null }), importItems: async function* () {} } } })
  const webhook = await wrong.integrations.receiveWebhook(integration.id, request)
  assert.ok(E.isLeft(webhook) && webhook.left._tag === 'Unavailable' && webhook.left.reason.includes('cannot be opened'), JSON.stringify(webhook))
  const imported = await wrong.integrations.import(caller, pid, integration.id)
  assert.ok(E.isLeft(imported) && imported.left._tag === 'Unavailable')
  const pushed = await wrong.integrations.push(caller, pid, integration.id, [1])
  assert.ok(E.isLeft(pushed) && pushed.left._tag === 'Unavailable')
})

test.run()
