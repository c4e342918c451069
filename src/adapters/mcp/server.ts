// taskport's MCP service: one SDK low-level `Server` for the process (not `McpServer`: the contract wants a JSON-RPC
// error for an unknown tool and the REST `validation_error` body for bad arguments, which McpServer answers as
// plain text), listing taskport's tools and calling them as the caller of each request.
//
// Stateless: the server keeps no session. The HTTP adapter hands it the JSON-RPC messages of one POST and gets the
// answers to that POST's requests back (`exchange`). Underneath, one in-process transport multiplexes all the POSTs
// in flight onto the one server: each request's id is replaced by a process-unique one on the way in, restored on
// the way out, and the caller rides along as the request's `authInfo`. (A server and a streamable-HTTP transport
// per request cost 0.39 ms of CPU per call over REST, most of it building the server and converting Node's request
// and response to the Web API's and back: docs/performance.md.)
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv'
import {
  CallToolRequestSchema, ErrorCode, InitializeRequestSchema, isInitializeRequest, isJSONRPCRequest, JSONRPCMessageSchema, ListToolsRequestSchema,
  PingRequestSchema, SUPPORTED_PROTOCOL_VERSIONS, type CallToolResult, type JSONRPCMessage, type JSONRPCRequest, type Tool as McpTool,
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
    ...(answer.replayed ? { _meta: { 'taskport/idempotent-replayed': true } } : {}),
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

/** The in-process transport of the one server: requests in with fresh ids, answers out to whoever awaits them. */
class Multiplexer implements Transport {
  onmessage?: Transport['onmessage']
  onclose?: () => void
  onerror?: (error: Error) => void
  private next = 0
  private readonly waiting = new Map<string, (answer: JSONRPCMessage) => void>()

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.()
  }

  /** The server's messages: an answer goes to its request; anything else (a notification) has no stream to go to. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (!('id' in message) || isJSONRPCRequest(message)) return
    const deliver = this.waiting.get(String(message.id))
    this.waiting.delete(String(message.id))
    deliver?.(message)
  }

  request(message: JSONRPCRequest, authInfo: AuthInfo): Promise<JSONRPCMessage> {
    const id = `taskport-${(this.next += 1)}`
    return new Promise((resolve) => {
      this.waiting.set(id, (answer) => resolve({ ...answer, id: message.id } as JSONRPCMessage))
      this.onmessage?.({ ...message, id }, { authInfo })
    })
  }
}

/** The SDK transport's limit on the messages of one POST. */
const MAX_BATCH = 100

/** What a POST of JSON-RPC comes to (the HTTP adapter writes it). */
export type McpOutcome =
  | { readonly kind: 'answer'; readonly body: JSONRPCMessage | JSONRPCMessage[] }
  | { readonly kind: 'accepted' }
  | { readonly kind: 'invalid'; readonly code: number; readonly message: string }
  | { readonly kind: 'unsupported-version'; readonly message: string }

const callerOf = (authInfo: AuthInfo | undefined): Caller => authInfo?.extra?.caller as Caller

/** The MCP service of a taskport: the tools it offers (read-only mode leaves the writes out), and `exchange`. */
export const mcpService = (tp: Taskport, options: McpOptions = {}) => {
  const tools = TOOLS.filter((tool) => !options.readOnly || tool.readOnly)
  const byName = new Map(tools.map((tool) => [tool.name, tool]))
  const list = { tools: tools.map(listed) }
  // The validator checks elicitation answers, which taskport never asks for.
  const server = new Server({ name: 'taskport', version: options.version ?? '0.0.0' }, { capabilities: { tools: {} }, jsonSchemaValidator: new AjvJsonSchemaValidator() })
  server.setRequestHandler(ListToolsRequestSchema, async () => list)
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = byName.get(request.params.name)
    // A JSON-RPC error, not a tool result (the contract). A plain error with a code: McpError would prefix its message.
    if (!tool) throw Object.assign(new Error(`Unknown tool: ${request.params.name}`), { code: ErrorCode.InvalidParams })
    try {
      return result(await tool.run(tp, callerOf(extra.authInfo), request.params.arguments ?? {}))
    } catch (error) {
      if (error instanceof StoreUnavailable) return result(unavailable)
      throw error
    }
  })
  const transport = new Multiplexer()
  const connected = server.connect(transport)
  const exchange = async (messages: readonly JSONRPCMessage[], caller: Caller): Promise<JSONRPCMessage[]> => {
    await connected
    const authInfo: AuthInfo = { token: '', clientId: caller.worker.handle, scopes: [], extra: { caller } }
    return Promise.all(messages.filter(isJSONRPCRequest).map((message) => {
      const why = invalidParams(message)
      if (why !== undefined) return { jsonrpc: '2.0' as const, id: message.id, error: { code: ErrorCode.InvalidParams, message: `Invalid params: ${why}` } }
      return transport.request(message, authInfo)
    }))
  }
  return {
    tools,
    /**
     * The answers to the requests among `messages` (JSON-RPC messages already checked against the JSON-RPC
     * schema), in their order, acting as `caller`. Notifications and responses from the client are dropped: with no
     * session, there is nothing they could refer to (a `notifications/cancelled` could only name another POST's
     * request). A request whose params do not fit its method is answered -32602 here (the SDK answers -32603).
     */
    /**
     * The answers to the requests among `messages` (JSON-RPC messages already checked against the JSON-RPC
     * schema), in their order, acting as `caller`. Notifications and responses from the client are dropped: with no
     * session, there is nothing they could refer to (a `notifications/cancelled` could only name another POST's
     * request). A request whose params do not fit its method is answered -32602 here (the SDK answers -32603).
     */
    exchange,
    /**
     * One POST's parsed body, as the SDK's streamable-HTTP transport takes it in JSON-response mode: a message or
     * a batch of at most 100, at most one `initialize`, a supported `MCP-Protocol-Version` (header) after it;
     * nothing to answer when it holds no request; else the answers, one for a message, an array for a batch.
     */
    post: async (body: unknown, protocolVersion: string | undefined, caller: Caller): Promise<McpOutcome> => {
      const batch = Array.isArray(body)
      const messages: unknown[] = batch ? body : [body]
      // JSON that is not JSON-RPC is an Invalid Request (-32600), not a parse error.
      if (messages.length === 0 || messages.some((m) => !JSONRPCMessageSchema.safeParse(m).success)) {
        return { kind: 'invalid', code: ErrorCode.InvalidRequest, message: 'Invalid Request: not a JSON-RPC 2.0 message' }
      }
      if (messages.length > MAX_BATCH) return { kind: 'invalid', code: ErrorCode.InvalidRequest, message: `Invalid Request: Batch must not exceed ${MAX_BATCH} messages` }
      const valid = messages as JSONRPCMessage[]
      const initialize = valid.some(isInitializeRequest)
      if (initialize && valid.length > 1) return { kind: 'invalid', code: ErrorCode.InvalidRequest, message: 'Invalid Request: Only one initialization request is allowed' }
      if (!initialize && protocolVersion && !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) {
        return { kind: 'unsupported-version', message: `${protocolVersion} is not a supported protocol version (${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})` }
      }
      if (!valid.some(isJSONRPCRequest)) return { kind: 'accepted' }
      const answers = await exchange(valid, caller)
      return { kind: 'answer', body: batch ? answers : (answers[0] as JSONRPCMessage) }
    },
    close: () => server.close(),
  }
}

export type McpService = ReturnType<typeof mcpService>
