// The MCP server of one request: the SDK's low-level `Server` (not `McpServer`: the contract wants a JSON-RPC error
// for an unknown tool and the REST `validation_error` body for bad arguments, which McpServer answers as plain
// text), listing taskport's tools and calling them as the authenticated caller.
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import {
  CallToolRequestSchema, ErrorCode, InitializeRequestSchema, isJSONRPCRequest, ListToolsRequestSchema, PingRequestSchema,
  type CallToolResult, type JSONRPCMessage, type Tool as McpTool,
} from '@modelcontextprotocol/sdk/types.js'
import { StoreUnavailable, type Caller } from '../../application/index.js'
import type { Taskport } from '../../application/taskport.js'
import { TOOLS, type Tool, type ToolAnswer } from './tools.js'

export interface McpOptions {
  /** TASKPORT_MCP_READ_ONLY: only the read tools are listed and served. */
  readonly readOnly?: boolean
  /** The `version` of the server's implementation info. */
  readonly version?: string
}

/** A tool as tools/list shows it. */
const listed = (tool: Tool): McpTool => ({
  name: tool.name,
  description: tool.description,
  inputSchema: tool.inputSchema as McpTool['inputSchema'],
  outputSchema: tool.outputSchema as McpTool['outputSchema'],
  annotations: tool.readOnly
    ? { readOnlyHint: true, openWorldHint: false }
    : { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
})

const result = (answer: ToolAnswer): CallToolResult => {
  const json = answer.ok ? answer.json : answer.body
  return {
    content: [{ type: 'text', text: JSON.stringify(json) }],
    structuredContent: json as Record<string, unknown>,
    ...(answer.ok ? {} : { isError: true }),
  }
}

const unavailable: ToolAnswer = { ok: false, body: { error: 'service_unavailable', detail: 'Database unavailable, retry later', status_code: 503 } }

/** The request schemas of the methods served; the SDK parses them outside any handler, so a failure is its -32603. */
const REQUESTS = new Map<string, { safeParse(value: unknown): { success: boolean; error?: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } } }>([
  ['initialize', InitializeRequestSchema], ['ping', PingRequestSchema], ['tools/list', ListToolsRequestSchema], ['tools/call', CallToolRequestSchema],
])

/** Why a request's params do not fit its method (`params.arguments: expected record, …`), or undefined. */
export const invalidParams = (message: JSONRPCMessage): string | undefined => {
  if (!isJSONRPCRequest(message)) return undefined
  const parsed = REQUESTS.get(message.method)?.safeParse(message)
  if (!parsed || parsed.success) return undefined
  return (parsed.error?.issues ?? []).map((i) => `${i.path.map(String).join('.') || 'request'}: ${i.message}`).join('; ')
}

/**
 * Connects a server to a transport, answering a request whose params do not fit its method with -32602 Invalid
 * params before the SDK sees it (the SDK answers those -32603 Internal error, with the parser's dump as message).
 */
export const connect = async (server: Server, transport: Transport): Promise<void> => {
  await server.connect(transport)
  const deliver = transport.onmessage
  transport.onmessage = (message, extra) => {
    const why = invalidParams(message)
    if (why === undefined || !isJSONRPCRequest(message)) return deliver?.(message, extra)
    void transport.send({ jsonrpc: '2.0', id: message.id, error: { code: ErrorCode.InvalidParams, message: `Invalid params: ${why}` } })
  }
}

/** The tools one server offers (read-only mode leaves the writes out), and a factory of per-request servers. */
export const mcpServerFactory = (tp: Taskport, options: McpOptions = {}) => {
  const tools = TOOLS.filter((tool) => !options.readOnly || tool.readOnly)
  const byName = new Map(tools.map((tool) => [tool.name, tool]))
  const list = { tools: tools.map(listed) }
  return {
    tools,
    /** A server for one request (stateless: no session outlives it), acting as `caller`. */
    create: (caller: Caller): Server => {
      const server = new Server({ name: 'taskport', version: options.version ?? '0.0.0' }, { capabilities: { tools: {} } })
      server.setRequestHandler(ListToolsRequestSchema, async () => list)
      server.setRequestHandler(CallToolRequestSchema, async (request) => {
        const tool = byName.get(request.params.name)
        // A JSON-RPC error, not a tool result (the contract). A plain error with a code: McpError would prefix its message.
        if (!tool) throw Object.assign(new Error(`Unknown tool: ${request.params.name}`), { code: ErrorCode.InvalidParams })
        try {
          return result(await tool.run(tp, caller, request.params.arguments ?? {}))
        } catch (error) {
          if (error instanceof StoreUnavailable) return result(unavailable)
          throw error
        }
      })
      return server
    },
  }
}

export type McpServerFactory = ReturnType<typeof mcpServerFactory>
