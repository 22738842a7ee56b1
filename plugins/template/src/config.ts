import { secret } from '@rapport/plugin-sdk'
import { z } from 'zod'

/** What the admin form asks for. secret() fields are encrypted at rest, masked, and never logged. */
export const configSchema = z.object({
  baseUrl: z
    .url()
    .default('https://api.acme-crm.example')
    .describe('The Acme CRM API address; change it only for a private instance'),
  apiKey: secret('API key, from Settings > API keys in Acme CRM'),
  webhookSecret: secret(
    'Signing secret of the webhook endpoint (whsec_…), to receive changes as they happen',
  ).optional(),
})

export type AcmeConfig = z.infer<typeof configSchema>
