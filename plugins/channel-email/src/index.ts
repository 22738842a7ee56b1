import { definePlugin } from '@rapport/plugin-sdk'
import { configSchema } from './config.js'
import { relayFrom, sendThroughRelay, verifyRelay } from './relay.js'
import { smtpListener, tlsSettings } from './smtp-listener.js'

/**
 * E-mail as a channel (README.md): an SMTP server receives the customers' mail for the support
 * addresses and puts each message on the sender's timeline, and replies go out through the
 * organisation's SMTP relay, threaded into the customer's conversation.
 */
export const plugin = definePlugin({
  id: 'channel-email',
  name: 'E-mail',
  version: '1.0.0',
  sdk: '^1',
  categories: ['channel'],
  description:
    'Receives customer mail for your support addresses over SMTP onto each sender’s timeline, and sends replies through your SMTP relay.',
  config: configSchema,

  async check(_ctx, config) {
    // The listener's port is not tried here: the host says so when it starts the listener.
    tlsSettings(config)
    const receiving = `Receiving mail for ${config.supportAddresses.join(', ')}`
    const relay = relayFrom(config)
    if (!relay) return { message: `${receiving}; sending is not configured (no SMTP relay)` }
    await verifyRelay(config, relay)
    return { message: `${receiving}; sending through ${relay.where} as ${relay.from.address}` }
  },

  listener: smtpListener,

  channel: {
    send: sendThroughRelay,
  },
})

export default plugin
