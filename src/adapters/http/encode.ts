// The resources' JSON lives in the application layer (src/application/wire/resources.ts): REST, MCP and the events
// of outgoing webhooks share one shape.
export * from '../../application/wire/resources.js'
