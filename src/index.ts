// Entry point `taskport`: the domain, the application (use cases and ports), the in-memory adapters and
// `createTaskport`. Database and HTTP adapters come as their own entry points (`taskport/mikro-orm`,
// `taskport/koa`) so that embedding the core costs neither.
//
// Six names exist in both layers (the domain rule and the use case around it): the flat export is the
// domain rule; the use cases are on `createTaskport(...)` and, unbound, on the `application` namespace.
export * from './domain/index.js'
export * from './application/index.js'
export { createApiToken, createProject, createTask, reportProgress, updateAgent, updateProject } from './domain/index.js'
export * as application from './application/index.js'
export * from './adapters/persistence/memory/index.js'
export { nodeTokenSecrets, randomIds, systemClock } from './adapters/system/index.js'
export { createTaskport, type Taskport } from './main/create-taskport.js'
