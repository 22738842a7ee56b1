import { secret } from '@rapport/plugin-sdk'
import { z } from 'zod'

/** What the admin form asks for. secret() fields are encrypted at rest, masked, and never logged. */
export const configSchema = z
  .object({
    subdomain: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]*$/i,
        'is the first part of your Zendesk address: northwind for northwind.zendesk.com',
      )
      .optional()
      .describe('Your Zendesk subdomain: northwind for https://northwind.zendesk.com'),
    baseUrl: z
      .url()
      .optional()
      .describe('The Zendesk address, only when it is not https://<subdomain>.zendesk.com (a proxy, tests)'),
    email: z.email().describe('E-mail of the Zendesk admin the API token belongs to'),
    apiToken: secret('API token, from Admin Center > Apps and integrations > APIs > Zendesk API'),
    externalIdIsUserId: z
      .boolean()
      .default(false)
      .describe(
        "Zendesk's external_id holds your product's user id (as JWT single sign-on sets it): send it as userId",
      ),
  })
  .refine((config) => config.subdomain || config.baseUrl, {
    message: 'give your Zendesk subdomain (or a base URL)',
    path: ['subdomain'],
  })

export type ZendeskConfig = z.infer<typeof configSchema>

/** https://<subdomain>.zendesk.com unless a base URL is given, without a trailing slash. */
export function apiBase(config: ZendeskConfig): string {
  return (config.baseUrl ?? `https://${config.subdomain}.zendesk.com`).replace(/\/+$/, '')
}

/** Zendesk's API token authentication: Basic with `{email}/token` as the user and the token as the password. */
export function authorization(config: ZendeskConfig): string {
  return `Basic ${Buffer.from(`${config.email}/token:${config.apiToken}`).toString('base64')}`
}
