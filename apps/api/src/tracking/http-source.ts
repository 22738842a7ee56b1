import { definePlugin } from '@rapport/plugin-sdk'
import { z } from 'zod'

/**
 * The built-in `http` source: the Segment-compatible tracking API. It has no config; creating one
 * hands out its write key, which authenticates POST /v1/* calls.
 */
export const httpSource = definePlugin({
  id: 'http',
  name: 'HTTP tracking API',
  version: '1.0.0',
  sdk: '^1',
  categories: ['source'],
  description:
    'Send identify, track, page, screen, group and alias calls with any Segment library, or plain HTTP, authenticated by the write key.',
  config: z.object({}),
})
