import { definePlugin } from '@rapport/plugin-sdk'
import { check } from './check.js'
import { configSchema } from './config.js'
import { pluginId } from './envelopes.js'
import { rowsStream } from './rows-stream.js'

/**
 * Any table or view of an existing PostgreSQL database (an in-house ERP, a data warehouse), read
 * incrementally and turned into people, interactions or records by a column mapping (README.md).
 * It talks to the database with node-postgres, not ctx.http: there is no HTTP API in between.
 */
export const plugin = definePlugin({
  id: pluginId,
  name: 'PostgreSQL table',
  version: '1.0.0',
  sdk: '^1',
  categories: ['source'],
  description:
    'Reads a table or view of your own PostgreSQL database (an ERP, a data warehouse) incrementally, and maps its rows to people, events or records.',
  config: configSchema,
  check,
  streams: { rows: rowsStream },
})

export type { PostgresSourceConfig } from './config.js'
export { configSchema } from './config.js'
export default plugin
