// Every use case of taskport bound to one set of adapters: give it the ports, get every operation.
import * as app from './index.js'
import type { Deps } from './deps.js'

/**
 * Every use case runs on the unit of work with the event outbox: the audit entries of each transaction become
 * outgoing-webhook events in that same transaction.
 */
export const createTaskport = (ports: Deps) => bind({ ...ports, uow: app.withEventOutbox(ports) })

const bind = (deps: Deps) => ({
  identify: app.identify(deps),
  projects: {
    list: app.listProjects(deps),
    create: app.createProject(deps),
    get: app.getProject(deps),
    update: app.updateProject(deps),
    delete: app.deleteProject(deps),
  },
  members: {
    list: app.listMembers(deps),
    add: app.addMember(deps),
    changeRole: app.changeMemberRole(deps),
    remove: app.removeMember(deps),
  },
  agents: {
    register: app.registerAgent(deps),
    list: app.listAgents(deps),
    get: app.getAgent(deps),
    update: app.updateAgent(deps),
    delete: app.deleteAgent(deps),
  },
  tasks: {
    list: app.listTasks(deps),
    create: app.createTask(deps),
    createSubtask: app.createSubtask(deps),
    get: app.getTask(deps),
    update: app.updateTask(deps),
    delete: app.deleteTask(deps),
    changeStatus: app.changeTaskStatus(deps),
    reportProgress: app.reportProgress(deps),
    assign: app.assignTask(deps),
    approve: app.approveTask(deps),
    reject: app.rejectTask(deps),
  },
  audit: {
    forTask: app.taskAudit(deps),
    forProject: app.projectAudit(deps),
    byActor: app.actorAudit(deps),
  },
  apiTokens: {
    create: app.createApiToken(deps),
    list: app.listApiTokens(deps),
    revoke: app.revokeApiToken(deps),
    verify: app.verifyApiToken(deps),
  },
  integrations: {
    create: app.createIntegration(deps),
    list: app.listIntegrations(deps),
    delete: app.deleteIntegration(deps),
    receiveWebhook: app.receiveWebhook(deps),
    import: app.importItems(deps),
    push: app.pushTasks(deps),
  },
  sync: app.syncTask(deps),
  webhooks: {
    create: app.createWebhook(deps),
    list: app.listWebhooks(deps),
    get: app.getWebhook(deps),
    update: app.updateWebhook(deps),
    delete: app.deleteWebhook(deps),
    ping: app.pingWebhook(deps),
    deliveries: app.listDeliveries(deps),
    delivery: app.getDelivery(deps),
    redeliver: app.redeliver(deps),
    /** The delivery runner's steps (src/adapters/webhooks/delivery-runner.ts). */
    claimDue: app.claimDeliveries(deps),
    recordAttempts: app.recordAttempts(deps),
  },
})

export type Taskport = ReturnType<typeof bind>
