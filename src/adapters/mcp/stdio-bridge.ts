// `taskport mcp --url <base> --token <JWT>`: MCP over stdio for clients that speak only stdio, bridged to a
// taskport server's POST /mcp. Each JSON-RPC message read from stdin is posted as it is; the answer's messages are
// written to stdout. An HTTP refusal (401, 403, 503) of a request becomes a JSON-RPC error for that request.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import type { Readable, Writable } from 'node:stream'

export interface BridgeOptions {
  /** The server's base URL (`http://127.0.0.1:3000`) or its /mcp URL. */
  readonly url: string
  readonly token: string
  readonly stdin?: Readable
  readonly stdout?: Writable
  readonly onError?: (message: string) => void
}

const endpointOf = (url: string): string => (/\/mcp\/?$/.test(url) ? url : `${url.replace(/\/+$/, '')}/mcp`)

export const startStdioBridge = async (options: BridgeOptions): Promise<{ close(): Promise<void> }> => {
  const endpoint = endpointOf(options.url)
  const transport = new StdioServerTransport(options.stdin, options.stdout)
  const forward = async (message: JSONRPCMessage) => {
    const id = 'id' in message ? message.id : undefined
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(message),
      })
      const text = await res.text()
      if (res.status === 202 || text === '') return
      const body = JSON.parse(text) as unknown
      if (res.ok || (typeof body === 'object' && body !== null && 'jsonrpc' in body)) {
        for (const reply of Array.isArray(body) ? body : [body]) await transport.send(reply as JSONRPCMessage)
        return
      }
      const detail = (body as { detail?: string }).detail ?? res.statusText
      if (id !== undefined) await transport.send({ jsonrpc: '2.0', id, error: { code: -32000, message: `taskport answered ${res.status}: ${detail}` } })
      options.onError?.(`taskport answered ${res.status}: ${detail}`)
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error)
      if (id !== undefined) await transport.send({ jsonrpc: '2.0', id, error: { code: -32000, message: `taskport is unreachable at ${endpoint}: ${text}` } })
      options.onError?.(text)
    }
  }
  transport.onmessage = (message) => void forward(message)
  await transport.start()
  return { close: () => transport.close() }
}
