// Vendors' 429 (and 503) with Retry-After are waited out, a few times, before the failure is reported.
export const MAX_ATTEMPTS = 4
export const MAX_WAIT_MS = 60_000

/** Milliseconds to wait from a Retry-After header (seconds or an HTTP date); undefined when absent. */
export const retryAfterMs = (value: string | null | undefined, now = Date.now()): number | undefined => {
  if (!value) return undefined
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.min(MAX_WAIT_MS, Number(value) * 1000)
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.min(MAX_WAIT_MS, Math.max(0, at - now))
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Whether a status is worth another attempt after waiting. */
export const retryable = (status: number | undefined): boolean => status === 429 || status === 502 || status === 503 || status === 504
