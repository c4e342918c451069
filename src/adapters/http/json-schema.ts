export * from '../../application/wire/json-schema.js'
