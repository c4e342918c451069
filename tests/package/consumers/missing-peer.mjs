// The core installed alone: each adapter entry point, imported and required, stops with its one line.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const answers = {}
for (const entry of ['taskport/koa', 'taskport/mikro-orm', 'taskport/mcp']) {
  const imported = await import(entry).then(() => 'loaded', (error) => error.message)
  let required
  try {
    require(entry)
    required = 'loaded'
  } catch (error) {
    required = error.message
  }
  answers[entry] = { imported, required }
}
console.log(JSON.stringify(answers))
