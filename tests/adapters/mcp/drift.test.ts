// The tools, the contract's list of tools and the OpenAPI operations stay in step: a tool the contract does not
// name, a contract tool without its arguments, a tool without a REST operation or use case, or a task use case
// without a tool, fails here.
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { TOOLS } from '../../../src/adapters/mcp/tools.js'
import { openApiDocument } from '../../../src/adapters/http/openapi.js'
import { inMemoryAdapters } from '../../../src/adapters/persistence/memory/index.js'
import { createTaskport } from '../../../src/application/taskport.js'

const contract = readFileSync(new URL('../../../../shared/contract/API.md', import.meta.url), 'utf8')
const section = contract.slice(contract.indexOf('Tools (arguments are'), contract.indexOf("- A result's `structuredContent`"))
/** name -> [argument, required][] as the contract lists them (`…` means the REST body's other fields). */
const contractTools = new Map([...section.matchAll(/`([a-z_]+)(?: \{([^}]*)\})?`/g)].map((m) => [
  m[1] ?? '',
  (m[2] ?? '').split(',').map((a) => a.trim()).filter((a) => a && a !== '…').map((a) => [a.replace(/\?$|\|null$/, ''), !a.endsWith('?')] as const),
]))

test('the tools are exactly the contract\'s, in its order, with the arguments it names', () => {
  assert.equal(TOOLS.map((t) => t.name), [...contractTools.keys()])
  for (const tool of TOOLS) {
    const properties = Object.keys((tool.inputSchema.properties as object | undefined) ?? {})
    const required = (tool.inputSchema.required as string[] | undefined) ?? []
    for (const [name, mandatory] of contractTools.get(tool.name) ?? []) {
      assert.ok(properties.includes(name), `${tool.name} takes ${name}`)
      assert.is(required.includes(name), mandatory, `${tool.name}: ${name} is ${mandatory ? '' : 'not '}required`)
    }
  }
})

test('every tool but whoami mirrors one REST operation of the OpenAPI document, and no two the same one', () => {
  const paths = openApiDocument().paths as Record<string, Record<string, unknown>>
  const operations = new Set(Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`)))
  const mirrored = TOOLS.flatMap((t) => (t.rest ? [t.rest] : []))
  for (const rest of mirrored) assert.ok(operations.has(rest), `${rest} is in the OpenAPI document`)
  assert.is(new Set(mirrored).size, mirrored.length)
  assert.equal(TOOLS.filter((t) => !t.rest).map((t) => t.name), ['whoami'])
  // Reads are GETs, writes are not.
  for (const t of TOOLS) if (t.rest) assert.is(t.rest.startsWith('GET '), t.readOnly, t.name)
})

test('every task use case has a tool and every tool a use case (deleting tasks is REST only, by the contract)', () => {
  const tp = createTaskport(inMemoryAdapters())
  const USE_CASE_OF: Record<string, string> = {
    list_tasks: 'tasks.list', create_task: 'tasks.create', create_subtask: 'tasks.createSubtask', get_task: 'tasks.get', update_task: 'tasks.update',
    change_task_status: 'tasks.changeStatus', report_progress: 'tasks.reportProgress', assign_task: 'tasks.assign', approve_task: 'tasks.approve',
    reject_task: 'tasks.reject', list_projects: 'projects.list', get_project: 'projects.get', list_members: 'members.list',
    task_audit: 'audit.forTask', project_audit: 'audit.forProject', whoami: 'identify',
  }
  const exists = (path: string) => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], tp) !== undefined
  assert.equal(TOOLS.map((t) => t.name).sort(), Object.keys(USE_CASE_OF).sort(), 'each tool names its use case')
  for (const [tool, useCase] of Object.entries(USE_CASE_OF)) assert.ok(exists(useCase), `${tool}: ${useCase} exists`)
  const taskUseCases = Object.keys(tp.tasks).map((k) => `tasks.${k}`)
  const covered = new Set(Object.values(USE_CASE_OF))
  assert.equal(taskUseCases.filter((u) => !covered.has(u)), ['tasks.delete'])
})
test.run()
