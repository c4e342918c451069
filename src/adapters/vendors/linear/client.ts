// Linear's GraphQL `issueCreate` with a small typed fetch client. Issues are linked by Linear's issue id,
// which is what its webhooks carry.
import { setting, type Integration } from '../../../domain/index.js'
import { VendorError, type VendorClient } from '../../../application/index.js'
import { vendorJson, type VendorHttpOptions } from '../http.js'

const ISSUE_CREATE = `mutation IssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { id identifier url } }
}`

interface IssueCreateResponse {
  readonly data?: { readonly issueCreate?: { readonly success: boolean; readonly issue?: { readonly id: string; readonly identifier: string; readonly url: string } } }
  readonly errors?: readonly { readonly message: string }[]
}

const endpoint = (integration: Integration): string => `${setting(integration, 'api_url') ?? 'https://api.linear.app'}/graphql`

export const createLinearClient = (options: VendorHttpOptions = {}): VendorClient => ({
  createItem: async (integration, accessToken, task) => {
    const response = await vendorJson<IssueCreateResponse>('Linear', endpoint(integration), {
      method: 'POST',
      timeoutMs: options.timeoutMs,
      // Personal API keys are sent as they are; OAuth tokens already carry "Bearer ".
      headers: { authorization: accessToken },
      body: {
        query: ISSUE_CREATE,
        variables: {
          input: {
            teamId: setting(integration, 'team_id'),
            title: task.title,
            ...(task.description ? { description: task.description } : {}),
            ...(setting(integration, 'default_state_id') ? { stateId: setting(integration, 'default_state_id') } : {}),
            ...(task.assigneeExternalId ? { assigneeId: task.assigneeExternalId } : {}),
            ...(task.dueDate ? { dueDate: task.dueDate } : {}),
          },
        },
      },
    })
    const issue = response.data?.issueCreate?.issue
    if (!response.data?.issueCreate?.success || !issue) {
      throw new VendorError(`Linear refused the issue: ${(response.errors ?? []).map((e) => e.message).join('; ') || 'no issue returned'}`)
    }
    return { externalId: issue.id, externalUrl: issue.url }
  },
})

export const linearClient: VendorClient = createLinearClient()
