// A webhook receiver on 127.0.0.1 for the tests of outgoing webhooks: it records every request (headers and the
// exact body) and answers as the test scripts it (a status, a body, a delay, or no answer at all).
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: string
  readonly at: number
  readonly path: string
}

export interface Answer {
  readonly status?: number
  readonly body?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly delayMs?: number
  /** Never answer (the attempt times out). */
  readonly hang?: boolean
}

export interface Receiver {
  readonly url: string
  readonly received: Received[]
  /** How the next requests are answered; `(n)` is the request's number, from 1. Default: 204. */
  answer: (request: Received, n: number) => Answer
  /** Resolves when `count` requests have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>
  stop(): Promise<void>
}

export const startReceiver = async (path = '/hook'): Promise<Receiver> => {
  const received: Received[] = []
  const hanging = new Set<ServerResponse>()
  const waiters: Array<{ count: number; resolve: () => void }> = []
  const state: { answer: Receiver['answer'] } = { answer: () => ({ status: 204 }) }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const request: Received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), path: req.url ?? '' }
      received.push(request)
      for (const w of waiters.filter((x) => received.length >= x.count)) w.resolve()
      const a = state.answer(request, received.length)
      if (a.hang) {
        hanging.add(res)
        return
      }
      const send = () => {
        res.writeHead(a.status ?? 204, a.headers ?? {})
        res.end(a.body ?? '')
      }
      if (a.delayMs) setTimeout(send, a.delayMs)
      else send()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    get answer() { return state.answer },
    set answer(fn) { state.answer = fn },
    waitFor: (count, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        if (received.length >= count) return resolve(received)
        const timer = setTimeout(() => reject(new Error(`the receiver got ${received.length} of ${count} requests within ${timeoutMs} ms`)), timeoutMs)
        waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(received) } })
      }),
    stop: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
