// The task-sync rate limit (koa-ratelimit): N requests per window per project, in-process by default, in Redis
// when several server processes must share one limit. Answers 429 in the contract's error shape with
// Retry-After, RateLimit-* and X-RateLimit-* headers.
import type { Next } from 'koa'
import ratelimit from 'koa-ratelimit'
import { HttpProblem, type Ctx } from './http-context.js'
import type { HttpLogger } from './middleware.js'
import { problem } from './problem.js'

/**
 * An ioredis client (`new Redis(url, { enableOfflineQueue: false })`), as koa-ratelimit's redis driver uses it. Typed by
 * the little taskport relies on, so that a host's TypeScript needs ioredis only when it passes one.
 */
export interface RedisClient {
  readonly status: string
  quit(): Promise<unknown>
}

export interface RateLimitOptions {
  /** Requests per window per project (default 100). */
  readonly max?: number
  /** Window length in milliseconds (default 60 000). */
  readonly durationMs?: number
  /** A shared store: every process given the same Redis shares the limit. Default: in-process. */
  readonly redis?: RedisClient
  /** In-process store: how many projects are tracked at once (default 10 000). */
  readonly maxEntries?: number
}

interface LimitEntry {
  /** Epoch seconds at which the entry's window ends. */
  readonly reset: number
}

/**
 * koa-ratelimit's memory driver keeps every key forever. This Map forgets windows that have ended and, when
 * full, the window that started first (that project starts a fresh window: the bound wins over precision).
 * The driver calls `set` once per window per key and mutates the entry in place afterwards, so insertion order
 * is window-start order and the expired entries are always at the front.
 */
export class BoundedLimitMap<V extends LimitEntry = LimitEntry> extends Map<string, V> {
  constructor(readonly capacity: number, private readonly nowMs: () => number = Date.now) {
    super()
  }

  override set(key: string, value: V): this {
    super.delete(key)
    const now = this.nowMs() / 1000
    for (const [k, entry] of this) {
      if (entry.reset >= now && this.size < this.capacity) break
      super.delete(k)
    }
    return super.set(key, value)
  }
}

const header = (ctx: Ctx, name: string): number => Number(ctx.response.get(name))

export const taskSyncRateLimit = (options: RateLimitOptions, logger: HttpLogger) => {
  const max = options.max ?? 100
  const duration = options.durationMs ?? 60_000
  const limiter = ratelimit({
    ...(options.redis ? { driver: 'redis' as const, db: options.redis as never } : { driver: 'memory' as const, db: new BoundedLimitMap(options.maxEntries ?? 10_000) }),
    max,
    duration,
    namespace: 'taskport:task-sync',
    id: (ctx) => (ctx as Ctx).state.rateLimitKey ?? false,
    headers: { remaining: 'X-RateLimit-Remaining', reset: 'X-RateLimit-Reset', total: 'X-RateLimit-Limit' },
  })
  let lastStoreError = 0

  /** Limits the project's pushes; with the store unreachable the push goes through (logged, at most every 30 s). */
  return async (ctx: Ctx, projectId: string, next: Next): Promise<void> => {
    ctx.state.rateLimitKey = projectId
    let allowed = false
    try {
      await limiter(ctx, async () => {
        allowed = true
      })
    } catch (error) {
      if (Date.now() - lastStoreError > 30_000) {
        lastStoreError = Date.now()
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'rate-limit store unavailable: task-sync is not limited until it is back')
      }
      return next()
    }
    // The memory driver gives the reset as fractional epoch seconds: whole seconds on the wire.
    const resetAtExact = header(ctx, 'X-RateLimit-Reset')
    ctx.set('X-RateLimit-Reset', String(Math.ceil(resetAtExact)))
    const resetIn = Math.max(1, Math.ceil(resetAtExact - Date.now() / 1000))
    ctx.set('RateLimit-Limit', String(max))
    ctx.set('RateLimit-Remaining', String(header(ctx, 'X-RateLimit-Remaining')))
    ctx.set('RateLimit-Reset', String(resetIn))
    ctx.set('RateLimit-Policy', `${max};w=${Math.ceil(duration / 1000)}`)
    if (allowed) return next()
    ctx.set('Retry-After', String(resetIn))
    throw new HttpProblem(problem(429, 'rate_limited', `Rate limit exceeded: ${max} task-sync requests per ${Math.ceil(duration / 1000)} s for this project; retry in ${resetIn} s`))
  }
}
