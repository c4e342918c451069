// Every use case of taskport bound to one set of adapters: give it the ports, get every operation.
import {
  actorAudit, addMember, approveTask, assignTask, changeMemberRole, changeTaskStatus, claimDeliveries,
  createApiToken, createIntegration, createProject, createSubtask, createTask, createWebhook, deleteAgent,
  deleteIntegration, deleteProject, deleteTask, deleteWebhook, getAgent, getDelivery, getProject, getTask,
  getWebhook, idempotent, identify, importItems, listAgents, listApiTokens, listDeliveries, listIntegrations, listMembers,
  listProjects, listTasks, listWebhooks, pingWebhook, projectAudit, purgeIdempotencyKeys, pushTasks, receiveWebhook, recordAttempts,
  redeliver, registerAgent, rejectTask, removeMember, reportProgress, revokeApiToken, syncTask, taskAudit,
  updateAgent, updateProject, updateTask, updateWebhook, verifyApiToken, withEventOutbox,
} from './index.js'
import type { Deps } from './deps.js'

/**
 * Every use case runs on the unit of work with the event outbox: the audit entries of each transaction become
 * outgoing-webhook events in that same transaction.
 */
export const createTaskport = (ports: Deps) => bind({ ...ports, uow: withEventOutbox(ports) })

const bind = (deps: Deps) => ({
  identify: identify(deps),
  /** Idempotency-Key: a request run under a key, and the cleanup of expired keys (run it every few minutes). */
  idempotency: {
    run: idempotent(deps),
    purge: purgeIdempotencyKeys(deps),
  },
  projects: {
    list: listProjects(deps),
    create: createProject(deps),
    get: getProject(deps),
    update: updateProject(deps),
    delete: deleteProject(deps),
  },
  members: {
    list: listMembers(deps),
    add: addMember(deps),
    changeRole: changeMemberRole(deps),
    remove: removeMember(deps),
  },
  agents: {
    register: registerAgent(deps),
    list: listAgents(deps),
    get: getAgent(deps),
    update: updateAgent(deps),
    delete: deleteAgent(deps),
  },
  tasks: {
    list: listTasks(deps),
    create: createTask(deps),
    createSubtask: createSubtask(deps),
    get: getTask(deps),
    update: updateTask(deps),
    delete: deleteTask(deps),
    changeStatus: changeTaskStatus(deps),
    reportProgress: reportProgress(deps),
    assign: assignTask(deps),
    approve: approveTask(deps),
    reject: rejectTask(deps),
  },
  audit: {
    forTask: taskAudit(deps),
    forProject: projectAudit(deps),
    byActor: actorAudit(deps),
  },
  apiTokens: {
    create: createApiToken(deps),
    list: listApiTokens(deps),
    revoke: revokeApiToken(deps),
    verify: verifyApiToken(deps),
  },
  integrations: {
    create: createIntegration(deps),
    list: listIntegrations(deps),
    delete: deleteIntegration(deps),
    receiveWebhook: receiveWebhook(deps),
    import: importItems(deps),
    push: pushTasks(deps),
  },
  sync: syncTask(deps),
  webhooks: {
    create: createWebhook(deps),
    list: listWebhooks(deps),
    get: getWebhook(deps),
    update: updateWebhook(deps),
    delete: deleteWebhook(deps),
    ping: pingWebhook(deps),
    deliveries: listDeliveries(deps),
    delivery: getDelivery(deps),
    redeliver: redeliver(deps),
    /** The delivery runner's steps (src/adapters/webhooks/delivery-runner.ts). */
    claimDue: claimDeliveries(deps),
    recordAttempts: recordAttempts(deps),
  },
})

export type Taskport = ReturnType<typeof createTaskport>
