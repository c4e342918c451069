// MCP clients for the tests: the SDK's own Client over its StreamableHTTPClientTransport, and raw JSON-RPC posts.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { ApiServer } from './http.js'

export const mcpClient = async (api: ApiServer, token: string): Promise<Client> => {
  const client = new Client({ name: 'taskport-tests', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${api.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }))
  return client
}

export interface ToolCall {
  readonly isError: boolean
  readonly json: any
  readonly text: string
}

/** Calls a tool; the structured content, and whether it is an error (the text must carry the same JSON). */
export const callTool = async (client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolCall> => {
  const result = await client.callTool({ name, arguments: args }) as { isError?: boolean; structuredContent?: unknown; content: Array<{ type: string; text: string }> }
  return { isError: result.isError === true, json: result.structuredContent, text: result.content[0]?.text ?? '' }
}

/** A raw POST /mcp: status, headers and body (parsed when JSON). */
export const postMcp = async (api: ApiServer, body: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${api.base}/mcp`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
  })
  const text = await res.text()
  let json: any = text
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: json }
}
