// Entry point `taskport/mcp`: taskport's use cases as MCP tools for another transport than the Koa app's /mcp
// (`mcpService(taskport).exchange(messages, caller)`), and the stdio bridge to a taskport server. Its peer:
// @modelcontextprotocol/sdk.
import type * as Api from './mcp-api.js'
import { loadEntry } from './peers.js'

export type { BridgeOptions, McpOptions, McpOutcome, McpService } from './mcp-api.js'

const api = loadEntry<typeof Api>(import.meta.url, 'taskport/mcp', ['@modelcontextprotocol/sdk'], './mcp-api.js')

export const { mcpService, startStdioBridge } = api
