// The wire shapes of the driving adapters (REST, MCP) and of outgoing events: input codecs and their JSON Schema,
// the resources' JSON, and the error bodies.
export * from './codecs.js'
export * from './commands.js'
export * from './errors.js'
export * from './json-schema.js'
export * from './resources.js'
export * from './text.js'
