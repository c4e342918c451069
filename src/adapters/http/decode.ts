// The codecs live in the application layer (src/application/wire/codecs.ts): REST and MCP decode with the same ones.
export * from '../../application/wire/codecs.js'
