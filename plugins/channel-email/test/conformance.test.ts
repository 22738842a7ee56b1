import { runPluginConformance } from '@rapport/plugin-testkit'
import { afterAll, beforeAll } from 'vitest'
import { plugin } from '../src/index.js'
import {
  relayPassword,
  relayUser,
  type Sink,
  startSink,
  supportAddresses,
  wrongRelayPassword,
} from './helpers.js'

// The plugin speaks SMTP, not HTTP: the fixture server's address is not used and no fixture is
// needed. check() logs in to a real SMTP relay instead, the test's sink.
let sink: Sink
beforeAll(async () => {
  sink = await startSink()
})
afterAll(() => sink.close())

const relay = (password: string) => ({
  supportAddresses,
  port: 0,
  relayHost: '127.0.0.1',
  relayPort: sink.port,
  relaySecurity: 'none' as const,
  relayUser,
  relayPassword: password,
  fromAddress: 'support@northwind.example',
})

runPluginConformance(plugin, [
  {
    name: 'SMTP relay with AUTH',
    fixtures: [],
    config: () => relay(relayPassword),
    badConfig: () => relay(wrongRelayPassword),
  },
])
