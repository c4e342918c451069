// The composition root hands out the application's bound use cases (defined in src/application/taskport.ts).
export { createTaskport, type Taskport } from '../application/taskport.js'
