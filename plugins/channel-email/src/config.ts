import { secret } from '@rapport/plugin-sdk'
import { z } from 'zod'

/** A mailbox (`support@example.com`) or a whole domain (`@support.example.com`). */
const supportAddress = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^([^\s@<>]+)?@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+$/,
    'must be an address (support@example.com) or a whole domain (@support.example.com)',
  )

export const relaySecurities = ['tls', 'starttls', 'none'] as const
export type RelaySecurity = (typeof relaySecurities)[number]

/**
 * What the admin form asks for. The first part runs the SMTP server that receives mail for the
 * support addresses; the relay part is optional (a source may only receive) and is what
 * channel.send and check() use. secret() fields are encrypted at rest, masked and never logged.
 */
export const configSchema = z.object({
  supportAddresses: z
    .array(supportAddress)
    .min(1, 'name at least one support address')
    .describe(
      'Addresses this server takes mail for (support@example.com), or whole domains (@support.example.com); mail to anything else is refused',
    ),
  port: z
    .number()
    .int()
    .min(0)
    .max(65_535)
    .default(2525)
    .describe('Port the SMTP server listens on; point the MX or forwarding at it (0: any free port)'),
  listenHost: z
    .string()
    .min(1)
    .default('0.0.0.0')
    .describe('Interface to listen on: 0.0.0.0 for all, 127.0.0.1 behind a local mail server'),
  serverName: z
    .string()
    .min(1)
    .optional()
    .describe('Host name the server greets with (the MX host name); the machine name when left out'),
  maxMessageBytes: z
    .number()
    .int()
    .positive()
    // Each message is read into memory whole, with its attachments: keep that bounded.
    .max(100 * 1024 * 1024)
    .default(25 * 1024 * 1024)
    .describe('Largest message accepted, in bytes (at most 100 MB); larger ones are refused with 552'),
  tlsKey: secret(
    'PEM private key for STARTTLS; without key and certificate the server takes mail in clear text',
  ).optional(),
  tlsCert: secret('PEM certificate (chain) for STARTTLS, matching the key').optional(),

  relayHost: z
    .string()
    .min(1)
    .optional()
    .describe('SMTP relay that sends replies (smtp.example.com); leave out to only receive'),
  relayPort: z
    .number()
    .int()
    .min(1)
    .max(65_535)
    .optional()
    .describe('Relay port; 465 for tls, 587 for starttls, 25 for none when left out'),
  relaySecurity: z
    .enum(relaySecurities)
    .default('starttls')
    .describe(
      'tls: TLS from the first byte (port 465); starttls: STARTTLS required (port 587); none: STARTTLS only if the relay offers it (a relay on this host or network)',
    ),
  relayUser: z.string().min(1).optional().describe('User name at the relay, if it asks for one'),
  relayPassword: secret('Password at the relay').optional(),
  fromAddress: z
    .email()
    .optional()
    .describe('Address replies are sent from; one of the support addresses, so answers come back here'),
  fromName: z.string().min(1).optional().describe('Name replies are sent under, e.g. Northwind Support'),
})

export type EmailConfig = z.infer<typeof configSchema>
