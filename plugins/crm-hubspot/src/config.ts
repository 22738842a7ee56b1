import { secret } from '@rapport/plugin-sdk'
import { z } from 'zod'

/** What the admin form asks for. secret() fields are encrypted at rest, masked, and never logged. */
export const configSchema = z.object({
  baseUrl: z
    .url()
    .default('https://api.hubapi.com')
    .describe('The HubSpot API address; leave the default unless HubSpot tells you otherwise'),
  accessToken: secret(
    'Access token of a HubSpot private app (pat-…), from Settings > Integrations > Private Apps > your app > Auth',
  ),
  clientSecret: secret(
    'Client secret of the same private app (Auth tab), to verify the webhooks HubSpot sends',
  ).optional(),
  webhookUrl: z
    .url()
    .optional()
    .describe(
      "This source's webhook URL exactly as entered as the target URL in the private app's Webhooks tab: HubSpot signs it",
    ),
})

export type HubSpotConfig = z.infer<typeof configSchema>
