// A fake vendor API on loopback: every request is recorded (method, path, headers, parsed body) and answered
// by the test's handler; faults can be queued for the next requests.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface VendorRequest {
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: any
}

export interface VendorReply {
  readonly status?: number
  readonly body: unknown
  readonly headers?: Record<string, string>
}

export interface FakeVendor {
  readonly url: string
  readonly requests: VendorRequest[]
  fail(status: number, times: number, retryAfter?: string): void
  stop(): Promise<void>
}

export const startFakeVendor = async (handle: (request: VendorRequest, n: number) => VendorReply): Promise<FakeVendor> => {
  const requests: VendorRequest[] = []
  const faults: { status: number; retryAfter?: string }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const request: VendorRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined }
      requests.push(request)
      const fault = faults.shift()
      const reply: VendorReply = fault
        ? { status: fault.status, body: { message: `fake ${fault.status}` }, ...(fault.retryAfter ? { headers: { 'retry-after': fault.retryAfter } } : {}) }
        : handle(request, requests.length)
      res.statusCode = reply.status ?? 200
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(reply.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    fail: (status, times, retryAfter) => {
      for (let i = 0; i < times; i += 1) faults.push({ status, ...(retryAfter ? { retryAfter } : {}) })
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
