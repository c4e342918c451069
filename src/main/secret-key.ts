// Development mode without TASKPORT_SECRET_KEY: a credential key generated once into the data dir (mode 600),
// so that integrations created in development survive restarts. Production requires the variable (config.ts).
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const loadDevSecretKey = async (keysDir: string): Promise<Buffer> => {
  const file = join(keysDir, 'credential-key.hex')
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
    if (key.length === 32) return key
    throw new Error(`${file} does not hold a 32-byte hex key: remove it to have a new one generated (integrations sealed with the old key cannot be opened then)`)
  }
  const key = randomBytes(32)
  mkdirSync(keysDir, { recursive: true })
  writeFileSync(file, key.toString('hex'), { mode: 0o600 })
  return key
}
