import {
  AuthenticationError,
  type CheckResult,
  ConfigurationError,
  type PluginContext,
} from '@rapport/plugin-sdk'
import { apiBase, type ZendeskConfig } from './config.js'
import { meSchema, zendeskGet } from './zendesk-api.js'

const tokenHelp =
  'check the admin e-mail and the API token (Admin Center > Apps and integrations > APIs > Zendesk API, with token access on)'

/**
 * Test connection: who the credentials belong to (GET /api/v2/users/me). Zendesk may answer 200
 * with an anonymous user (id null) when it did not take them, so a 200 alone proves nothing; and
 * the incremental exports are for admins only, so an agent's token is turned down here rather than
 * at the first sync. A network failure stays a TransientError.
 */
export async function check(ctx: PluginContext, config: ZendeskConfig): Promise<CheckResult> {
  const me = await zendeskGet(ctx, config, '/api/v2/users/me.json', meSchema).catch((error: unknown) => {
    if (error instanceof AuthenticationError) {
      throw new AuthenticationError(`Zendesk did not accept the credentials: ${tokenHelp}`, { cause: error })
    }
    throw error
  })
  const { user } = me
  if (user.id === null) {
    throw new AuthenticationError(`Zendesk answered as an anonymous user: ${tokenHelp}`)
  }
  if (user.role !== 'admin') {
    throw new ConfigurationError(
      `${user.email ?? config.email} is a Zendesk ${user.role ?? 'user'}, and the incremental export API is for admins: use an admin's API token`,
    )
  }
  const account = user.url ? new URL(user.url).host : new URL(apiBase(config)).host
  return { message: `Connected to Zendesk ${account} as ${user.name ?? user.email} (admin)` }
}
