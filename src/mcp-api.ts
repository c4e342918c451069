// The implementation of `taskport/mcp` (src/mcp.ts loads it once its peer is known to be installed).
export { mcpService, type McpOptions, type McpOutcome, type McpService } from './adapters/mcp/server.js'
export { startStdioBridge, type BridgeOptions } from './adapters/mcp/stdio-bridge.js'
