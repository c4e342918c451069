// The implementation of `taskport/mcp` (src/mcp.ts loads it once its peer is known to be installed), and the
// declarations TypeScript sees for that entry point (package.json `types`).
export { mcpService, type McpOptions, type McpOutcome, type McpService } from './adapters/mcp/server.js'
export type { Tool, ToolAnswer } from './adapters/mcp/tools.js'
export type { ErrorBody, ErrorCode, JsonSchema } from './application/index.js'
export { startStdioBridge, type BridgeOptions } from './adapters/mcp/stdio-bridge.js'
