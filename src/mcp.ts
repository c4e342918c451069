// Entry point `taskport/mcp` at run time: taskport's use cases as MCP tools for another transport than the Koa
// app's /mcp (`mcpService(taskport).exchange(messages, caller)`), and the stdio bridge to a taskport server. Its
// peer, checked before it loads: @modelcontextprotocol/sdk. Its declarations are those of ./mcp-api.ts.
import type * as Api from './mcp-api.js'
import { loadEntry } from './peers.js'

const api = loadEntry<typeof Api>(import.meta.url, 'taskport/mcp', ['@modelcontextprotocol/sdk'], './mcp-api.js')

export const { mcpService, startStdioBridge } = api
