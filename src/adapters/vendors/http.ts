// The small typed fetch client the vendors without an SDK here share: JSON in and out, a timeout, Retry-After
// honoured on 429/502/503/504, and failures as VendorError (whose message never carries the credentials).
// A request that timed out is not sent again: the vendor may have received it and created the item (a second
// POST would create a duplicate), and a vendor that hangs must not hold a push for several timeouts per task.
import { VendorError } from '../../application/index.js'
import { MAX_ATTEMPTS, retryAfterMs, retryable, sleep } from './retry.js'

/** Options of the vendor clients. */
export interface VendorHttpOptions {
  /** How long one request to the vendor may take before it is abandoned (default 30 s). */
  readonly timeoutMs?: number
}

export const DEFAULT_VENDOR_TIMEOUT_MS = 30_000

const isTimeout = (error: unknown): boolean => error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')

const vendorMessage = (body: unknown): string => {
  if (typeof body !== 'object' || body === null) return ''
  const b = body as Record<string, unknown>
  const parts = [b.message, b.errorMessages, b.errors, b.error].flatMap((v) => (v === undefined ? [] : [typeof v === 'string' ? v : JSON.stringify(v)]))
  return parts.join('; ').slice(0, 500)
}

export const vendorJson = async <T>(vendor: string, url: string, init: { method: string; headers: Record<string, string>; body?: unknown; timeoutMs?: number | undefined }): Promise<T> => {
  const timeoutMs = init.timeoutMs ?? DEFAULT_VENDOR_TIMEOUT_MS
  for (let attempt = 1; ; attempt += 1) {
    let response: Response
    try {
      response = await fetch(url, {
        method: init.method,
        headers: { accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'taskport', ...init.headers },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      if (isTimeout(error)) throw new VendorError(`${vendor} did not answer within ${timeoutMs / 1000} s`)
      if (attempt < MAX_ATTEMPTS) {
        await sleep(500 * attempt)
        continue
      }
      throw new VendorError(`${vendor} unreachable: ${error instanceof Error ? error.message : String(error)}`)
    }
    const text = await response.text()
    let body: unknown
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      body = text.slice(0, 200)
    }
    if (response.ok) return body as T
    if (attempt < MAX_ATTEMPTS && retryable(response.status)) {
      await sleep(retryAfterMs(response.headers.get('retry-after')) ?? 1000 * attempt)
      continue
    }
    throw new VendorError(`${vendor} answered ${response.status}${vendorMessage(body) ? `: ${vendorMessage(body)}` : ''}`, response.status)
  }
}
