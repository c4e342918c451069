// Signed deliveries of the vendors' own webhooks to a test server, each in its vendor's signature scheme.
import { createHmac, randomUUID } from 'node:crypto'
import * as assert from 'uvu/assert'
import type { ApiServer } from './http.js'

export interface Hook {
  readonly id: string
  readonly secret: string
}

/** Creates an integration in project `pid` as `wes` (an admin there) and returns its webhook id and secret. */
export const connect = async (api: ApiServer, pid: number, body: object): Promise<Hook> => {
  const res = await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'wes', body })
  assert.is(res.status, 201, JSON.stringify(res.body))
  return { id: res.body.id, secret: res.body.webhook_secret }
}

export const hmacHex = (secret: string, raw: string | Buffer): string => createHmac('sha256', secret).update(raw).digest('hex')

/** JSON with every non-ASCII character as `\uXXXX` (what Python's json.dumps and many relays send): 6-12 bytes each. */
export const asciiJson = (payload: unknown): string =>
  JSON.stringify(payload).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

export interface GithubOptions {
  readonly delivery?: string
  /** GitHub's other content type: `payload=<url-encoded JSON>`, signed over the form body. */
  readonly form?: boolean
  /** The raw JSON text to send (default JSON.stringify of the payload). */
  readonly raw?: string
}

export const sendGithub = (api: ApiServer, hook: Hook, event: string, payload: unknown, options: GithubOptions = {}) => {
  const json = options.raw ?? JSON.stringify(payload)
  const raw = options.form ? `payload=${encodeURIComponent(json)}` : json
  return api.call('POST', `/api/integrations/${hook.id}/webhook`, {
    raw,
    headers: {
      'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json',
      'x-github-event': event, 'x-github-delivery': options.delivery ?? randomUUID(),
      'x-hub-signature-256': `sha256=${hmacHex(hook.secret, raw)}`,
    },
  })
}

export const sendJira = (api: ApiServer, hook: Hook, payload: unknown) => {
  const raw = JSON.stringify(payload)
  return api.call('POST', `/api/integrations/${hook.id}/webhook`, {
    raw, headers: { 'x-hub-signature': `sha256=${hmacHex(hook.secret, raw)}`, 'x-atlassian-webhook-identifier': randomUUID() },
  })
}

/** Linear wants `webhookTimestamp` within 60 s of its arrival: it is set to now before signing. */
export const sendLinear = (api: ApiServer, hook: Hook, payload: object) => {
  const raw = JSON.stringify({ ...payload, webhookTimestamp: Date.now() })
  return api.call('POST', `/api/integrations/${hook.id}/webhook`, {
    raw, headers: { 'linear-signature': hmacHex(hook.secret, raw), 'linear-delivery': randomUUID() },
  })
}
