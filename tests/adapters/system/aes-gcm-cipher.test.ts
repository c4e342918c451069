// The credential cipher: AES-256-GCM with a random IV per value, tamper detection, and key rotation by key id.
import { randomBytes } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { aesGcmCipher, CipherKeyError, keyIdOf } from '../../../src/adapters/system/index.js'

const key = randomBytes(32)

test('seals and opens; the same value seals differently each time; the key id leads', () => {
  const cipher = aesGcmCipher(key)
  const a = cipher.seal('ghp_token ünïcode')
  const b = cipher.seal('ghp_token ünïcode')
  assert.is.not(a, b)
  assert.ok(a.startsWith(`v1.${keyIdOf(key)}.`))
  assert.not.ok(a.includes('ghp_token'))
  assert.is(cipher.open(a), 'ghp_token ünïcode')
  assert.is(cipher.open(b), 'ghp_token ünïcode')
  assert.is(cipher.open(cipher.seal('')), '')
})

test('a changed byte in the ciphertext, IV or tag is refused', () => {
  const cipher = aesGcmCipher(key)
  const parts = cipher.seal('secret value').split('.')
  for (const index of [2, 3, 4]) {
    const changed = [...parts]
    const bytes = Buffer.from(changed[index] ?? '', 'base64url')
    bytes[0] = (bytes[0] ?? 0) ^ 1
    changed[index] = bytes.toString('base64url')
    assert.throws(() => cipher.open(changed.join('.')), undefined, `part ${index}`)
  }
  assert.throws(() => cipher.open('plain text'), (e: unknown) => e instanceof CipherKeyError)
})

test('rotation: the new key seals, the previous key still opens old values; without it they cannot be opened', () => {
  const oldKey = randomBytes(32)
  const sealedBefore = aesGcmCipher(oldKey).seal('old secret')
  const rotating = aesGcmCipher(key, [oldKey])
  assert.is(rotating.open(sealedBefore), 'old secret')
  assert.ok(rotating.seal('new').startsWith(`v1.${keyIdOf(key)}.`))
  assert.throws(() => aesGcmCipher(key).open(sealedBefore), (e: unknown) => e instanceof CipherKeyError && e.message.includes(keyIdOf(oldKey)))
  assert.throws(() => aesGcmCipher(randomBytes(16)), (e: unknown) => e instanceof CipherKeyError)
})

test.run()
