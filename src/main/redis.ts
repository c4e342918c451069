// The Redis connection behind the shared task-sync rate limit.
import type { Redis } from 'ioredis'
import { loadFeature } from '../peers.js'

export interface RedisLogger {
  warn(fields: object, message: string): void
}

/** The URL without its password, for messages and logs. */
export const redactUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'redis://…'
  }
}

/**
 * Connects (or rejects with a message naming the redacted URL). Commands fail at once while the connection is
 * down instead of queueing, so that an outage costs a request nothing: the rate limit then lets pushes through.
 */
export const connectRedis = async (url: string, logger?: RedisLogger): Promise<Redis> => {
  // ioredis is an optional peer: loaded only by a process given a Redis URL.
  const { Redis } = await loadFeature('A shared rate limit (REDIS_URL, connectRedis)', ['ioredis'], () => import('ioredis'))
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 3000 })
  let lastWarning = 0
  redis.on('error', (error: Error) => {
    if (Date.now() - lastWarning < 30_000) return
    lastWarning = Date.now()
    logger?.warn({ redis: redactUrl(url), err: error.message }, 'redis connection error')
  })
  try {
    await redis.connect()
  } catch (error) {
    redis.disconnect()
    throw new Error(`REDIS_URL: cannot connect to ${redactUrl(url)}: ${error instanceof Error ? error.message : String(error)}`)
  }
  return redis
}
