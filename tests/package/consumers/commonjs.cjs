// A CommonJS host: require('taskport') (Node's require of an ES module, Node >= 20.19).
const { TASK_STATUSES, canTransition, createTaskport, inMemoryAdapters } = require('taskport')

const tp = createTaskport(inMemoryAdapters())
console.log(JSON.stringify({ statuses: TASK_STATUSES.length, pendingToDone: canTransition('pending', 'done'), pendingToProgress: canTransition('pending', 'in_progress'), taskport: typeof tp.tasks.create }))
