import { secret } from '@rapport/plugin-sdk'
import { z } from 'zod'

/** What the admin form asks for. secret() fields are encrypted at rest, masked, and never logged. */
export const configSchema = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.stripe.com')
    .describe('The Stripe API address; change it only to point at a mock or proxy'),
  apiKey: secret(
    'Secret key (sk_live_… or sk_test_…) or a restricted key (rk_…) with read access, from Developers > API keys',
  ),
  webhookSecret: secret(
    'Signing secret of the webhook endpoint (whsec_…), to receive changes as they happen',
  ).optional(),
  webhookToleranceSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(300)
    .describe('How old a webhook signature may be, in seconds (Stripe recommends 300)'),
})

export type StripeConfig = z.infer<typeof configSchema>
