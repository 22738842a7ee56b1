import { secret } from '@rapport/plugin-sdk'
import { z } from 'zod'

/**
 * What the admin form asks for. Every Odoo instance has its own address and database, so there is
 * no default base URL to fall back on: Odoo Online answers at https://<name>.odoo.com, an Odoo.sh or
 * self-hosted instance wherever it is served.
 */
export const configSchema = z.object({
  baseUrl: z
    .url()
    .describe('Address of the Odoo instance, e.g. https://mycompany.odoo.com (without /jsonrpc or /odoo)'),
  database: z
    .string()
    .trim()
    .min(1, 'is required')
    .describe('Odoo database name; on Odoo Online the instance name (mycompany for mycompany.odoo.com)'),
  login: z
    .string()
    .trim()
    .min(1, 'is required')
    .describe('Login of the Odoo user the sync reads as, usually its e-mail address'),
  apiKey: secret(
    "API key of that user (Odoo 14+: My Profile > Account Security > New API Key), or the user's password",
  ),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(200)
    .describe('Records read per call; lower it if Odoo times out on large records'),
})

export type OdooConfig = z.infer<typeof configSchema>
