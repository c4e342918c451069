// The error table lives in the application layer (src/application/wire/errors.ts): REST and MCP answer with the same bodies.
export * from '../../application/wire/errors.js'
